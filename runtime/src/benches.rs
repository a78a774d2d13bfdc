//! The pallets whose weights the node's `benchmark pallet` command measures (see
//! `scripts/benchmark.sh`).

frame_benchmarking::define_benchmarks!(
	[frame_system, SystemBench::<Runtime>]
	[frame_system_extensions, SystemExtensionsBench::<Runtime>]
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_sudo, Sudo]
	[pallet_transaction_payment, TransactionPayment]
	[pallet_supervisors, Supervisors]
	[pallet_cinemas, Cinemas]
	[pallet_devices, Devices]
	[pallet_screenings, Screenings]
	[pallet_archive, Archive]
);
