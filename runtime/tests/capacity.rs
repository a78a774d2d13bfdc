//! How many screening records the chain takes: the encoded size and weight of one
//! `record_screening` extrinsic and of a full `record_screenings` batch, and how many of each
//! fit in one block under the runtime's weight and length limits.
//!
//! The weights are the pallet's `WeightInfo` (its `weights.rs` says whether they are benchmarked
//! yet) plus the transaction extensions' own.
//! Run `cargo test -p cinechain-runtime --test capacity -- --nocapture` to see the figures.

use cinechain_runtime::{
	configs::{ArchiveHeartbeatInterval, ArchiveReportInterval, MaxArchiveNodes, MaxScreeningBatch, RuntimeBlockLength, RuntimeBlockWeights},
	Runtime, RuntimeCall, TxExtension, UncheckedExtrinsic,
};
use frame_support::{
	dispatch::{DispatchClass, GetDispatchInfo},
	traits::Get,
	BoundedVec,
};
use pallet_screenings::types::{Film, Location, Outcome, ScreeningRecord, Venue};
use sp_core::sr25519;
use sp_runtime::{generic::Era, MultiAddress, MultiSignature};

/// A typical record: CPL id, film code, a 40-byte title, a 16-byte projectionist id, a
/// location and a report hash.
fn typical_record(seq: u64) -> ScreeningRecord {
	ScreeningRecord {
		seq,
		prev_hash: [7; 32],
		film: Film {
			cpl_id: Some([1; 16]),
			film_code: Some(BoundedVec::truncate_from(b"001101232025".to_vec())),
			title: BoundedVec::truncate_from(vec![b't'; 40]),
		},
		projectionist: BoundedVec::truncate_from(vec![b'p'; 16]),
		started_at: 1_767_225_600_000,
		ended_at: 1_767_232_800_000,
		venue: Venue { cinema: 11_010_501, hall: 3 },
		location: Some(Location { latitude: 39_904_200, longitude: 116_407_400 }),
		outcome: Outcome::Completed,
		report_hash: Some([9; 32]),
	}
}

/// The extensions a projector's transaction carries (a mortal era, nonce in the thousands).
fn extensions() -> TxExtension {
	cinechain_runtime::tx_extension(5_000, Era::mortal(256, 1_000))
}

fn signed(call: RuntimeCall) -> UncheckedExtrinsic {
	let signer = sr25519::Public::from_raw([3; 32]);
	let signature = MultiSignature::Sr25519(sr25519::Signature::from_raw([4; 64]));
	UncheckedExtrinsic::new_signed(call, MultiAddress::Id(signer.into()), signature, extensions())
}

/// What one extrinsic costs: `(encoded bytes, ref_time picoseconds, proof bytes)`, the weight
/// including the extensions' and the per-extrinsic base weight.
fn cost(xt: &UncheckedExtrinsic) -> (usize, u64, u64) {
	let info = xt.get_dispatch_info();
	let base = RuntimeBlockWeights::get().get(DispatchClass::Normal).base_extrinsic;
	let weight = info.total_weight() + base;
	(codec::Encode::encode(xt).len(), weight.ref_time(), weight.proof_size())
}

/// How many such extrinsics fit into one block's share for normal transactions.
fn per_block(bytes: usize, ref_time: u64, proof: u64) -> (u64, u64) {
	let weights = RuntimeBlockWeights::get();
	let normal = weights.get(DispatchClass::Normal);
	let max = normal.max_total.unwrap_or(weights.max_block) - weights.base_block;
	let by_weight = (max.ref_time() / ref_time).min(max.proof_size() / proof.max(1));
	let length = *RuntimeBlockLength::get().max.get(DispatchClass::Normal) as u64;
	(by_weight, length / bytes as u64)
}

#[test]
fn screening_extrinsics_fit_blocks_with_room() {
	let batch_len = <MaxScreeningBatch as Get<u32>>::get() as u64;
	let one = signed(RuntimeCall::Screenings(pallet_screenings::Call::record_screening { record: typical_record(1) }));
	let batch = signed(RuntimeCall::Screenings(pallet_screenings::Call::record_screenings {
		records: (1..=batch_len).map(typical_record).collect::<Vec<_>>().try_into().expect("the bound"),
	}));

	let (one_bytes, one_time, one_proof) = cost(&one);
	let (batch_bytes, batch_time, batch_proof) = cost(&batch);
	let (one_by_weight, one_by_length) = per_block(one_bytes, one_time, one_proof);
	let (batch_by_weight, batch_by_length) = per_block(batch_bytes, batch_time, batch_proof);
	let records_single = one_by_weight.min(one_by_length);
	let records_batched = batch_by_weight.min(batch_by_length) * batch_len;

	println!("one record_screening: {one_bytes} bytes, ref_time {one_time} ps, proof {one_proof} bytes");
	println!("record_screenings x{batch_len}: {batch_bytes} bytes, ref_time {batch_time} ps, proof {batch_proof} bytes");
	println!("per block, single records: {one_by_weight} by weight, {one_by_length} by length -> {records_single}");
	println!(
		"per block, batches of {batch_len}: {batch_by_weight} by weight, {batch_by_length} by length -> {records_batched} records"
	);

	assert!(one_bytes < 512, "a typical record fits in half a kilobyte, got {one_bytes}");
	assert!(batch_by_weight >= 1 && batch_by_length >= 1, "a full batch must fit in one block");
	assert!(records_single >= 100, "a block must take at least a hundred single records, got {records_single}");
	assert!(records_batched >= records_single, "batching must not lower a block's capacity");
}

/// 256 archive nodes (the registry's bound) heartbeat once per interval each, spread over the
/// interval's blocks by node number, each charged the common case after its refund, and each
/// also sends the most reports it may (one per `ArchiveReportInterval`, as a registry of liars
/// would): what is left of a block for screening records. And if all of them saved their reports
/// for one block, that block still takes them with room to spare.
#[test]
fn records_keep_most_of_a_block_while_every_archive_node_heartbeats_and_reports() {
	use pallet_archive::WeightInfo as _;
	let nodes = <MaxArchiveNodes as Get<u32>>::get() as u64;
	let heartbeats_per_block = nodes.div_ceil(<ArchiveHeartbeatInterval as Get<u32>>::get() as u64);
	let reports_per_block = nodes.div_ceil(<ArchiveReportInterval as Get<u32>>::get() as u64);
	let heartbeat = signed(RuntimeCall::Archive(pallet_archive::Call::heartbeat { node: 7 }));
	let info = heartbeat.get_dispatch_info();
	let base = RuntimeBlockWeights::get().get(DispatchClass::Normal).base_extrinsic;
	let report = signed(RuntimeCall::Archive(pallet_archive::Call::report_unproven { reporter: 7, node: 8, block: 1 }));
	let reported = report.get_dispatch_info().total_weight() + base;
	let heartbeat_charged =
		pallet_archive::weights::SubstrateWeight::<Runtime>::heartbeat_in_cluster() + info.extension_weight + base;
	let charged = heartbeat_charged.saturating_mul(heartbeats_per_block) + reported.saturating_mul(reports_per_block);
	let worst = info.total_weight() + base;

	let weights = RuntimeBlockWeights::get();
	let normal = weights.get(DispatchClass::Normal);
	let max = normal.max_total.unwrap_or(weights.max_block) - weights.base_block;
	let left = max.saturating_sub(charged);

	let one = signed(RuntimeCall::Screenings(pallet_screenings::Call::record_screening { record: typical_record(1) }));
	let (_, one_time, one_proof) = cost(&one);
	let alone = (max.ref_time() / one_time).min(max.proof_size() / one_proof);
	let beside = (left.ref_time() / one_time).min(left.proof_size() / one_proof);
	let burst = reported.saturating_mul(nodes);
	println!(
		"heartbeat charged {} ps (call {} ps, extensions {} ps, base {} ps; worst case {} ps before the refund); report {} ps",
		heartbeat_charged.ref_time(),
		pallet_archive::weights::SubstrateWeight::<Runtime>::heartbeat_in_cluster().ref_time(),
		info.extension_weight.ref_time(),
		base.ref_time(),
		worst.ref_time(),
		reported.ref_time(),
	);
	println!(
		"{nodes} archive nodes: {heartbeats_per_block} heartbeats and {reports_per_block} reports per block use {:.1} % of its normal weight; single records per block: {alone} alone, {beside} beside them; all {nodes} reports in one block: {:.1} %",
		100.0 * charged.ref_time() as f64 / max.ref_time() as f64,
		100.0 * burst.ref_time() as f64 / max.ref_time() as f64,
	);
	assert!(beside * 100 >= alone * 80, "heartbeats and reports must leave at least 80 % of a block to records ({beside} of {alone})");
	assert!(worst.all_lte(max), "even a worst-case heartbeat fits a block");
	assert!(burst.ref_time() * 2 <= max.ref_time() && burst.proof_size() * 2 <= max.proof_size(), "every node's report fits half a block");
}

/// The archive pallet's block hooks at their worst, with the registry full: every node checked
/// for silence (every heartbeat interval) and every node looked at when clusters re-form (every
/// epoch), both in one block. They run before any transaction, so they must leave most of the
/// block to records.
#[test]
fn the_archive_hooks_leave_most_of_a_block_with_the_registry_full() {
	use pallet_archive::WeightInfo as _;
	type Archive = pallet_archive::weights::SubstrateWeight<Runtime>;
	let nodes = <MaxArchiveNodes as Get<u32>>::get();
	let hooks = Archive::liveness_check(nodes) + Archive::reform_clusters(nodes);
	let block = RuntimeBlockWeights::get().max_block;
	println!(
		"{nodes} archive nodes: liveness check {} ps, re-forming clusters {} ps; together {:.1} % of a block",
		Archive::liveness_check(nodes).ref_time(),
		Archive::reform_clusters(nodes).ref_time(),
		100.0 * hooks.ref_time() as f64 / block.ref_time() as f64
	);
	assert!(hooks.ref_time() * 4 <= block.ref_time(), "the archive's hooks must take at most a quarter of a block");
}

/// Every pallet's weights, and every transaction extension's, are the ones this runtime's
/// benchmarks measured (`scripts/benchmark.sh`), not test weights `()` (which for the archive
/// pallet once carried no proof size) nor the figures FRAME's pallets ship: the configured types
/// are compared. GRANDPA alone keeps its own (see the runtime's configuration).
#[test]
fn every_pallet_uses_its_benchmarked_weights() {
	use cinechain_runtime::weights;
	fn same<A: 'static, B: 'static>() -> bool {
		core::any::TypeId::of::<A>() == core::any::TypeId::of::<B>()
	}
	assert!(same::<<Runtime as pallet_archive::Config>::WeightInfo, pallet_archive::weights::SubstrateWeight<Runtime>>());
	assert!(same::<<Runtime as pallet_cinemas::Config>::WeightInfo, pallet_cinemas::weights::SubstrateWeight<Runtime>>());
	assert!(same::<<Runtime as pallet_devices::Config>::WeightInfo, pallet_devices::weights::SubstrateWeight<Runtime>>());
	assert!(same::<<Runtime as pallet_screenings::Config>::WeightInfo, pallet_screenings::weights::SubstrateWeight<Runtime>>());
	assert!(same::<<Runtime as pallet_supervisors::Config>::WeightInfo, pallet_supervisors::weights::SubstrateWeight<Runtime>>());
	assert!(same::<<Runtime as frame_system::Config>::SystemWeightInfo, weights::frame_system::WeightInfo<Runtime>>());
	assert!(same::<<Runtime as frame_system::Config>::ExtensionsWeightInfo, weights::frame_system_extensions::WeightInfo<Runtime>>());
	assert!(same::<<Runtime as pallet_balances::Config>::WeightInfo, weights::pallet_balances::WeightInfo<Runtime>>());
	assert!(same::<<Runtime as pallet_timestamp::Config>::WeightInfo, weights::pallet_timestamp::WeightInfo<Runtime>>());
	assert!(same::<<Runtime as pallet_sudo::Config>::WeightInfo, weights::pallet_sudo::WeightInfo<Runtime>>());
	assert!(same::<<Runtime as pallet_transaction_payment::Config>::WeightInfo, weights::pallet_transaction_payment::WeightInfo<Runtime>>());
}

/// cinechain's transaction extensions charge what their own benchmarks measured, for the calls
/// they judge: a batch of records, a heartbeat, a registration request, a key rotation.
#[test]
fn the_transaction_extensions_charge_their_benchmarks() {
	use frame_system::ExtensionsWeightInfo as _;
	use sp_runtime::traits::TransactionExtension as _;
	let records = |n: u64| {
		RuntimeCall::Screenings(pallet_screenings::Call::record_screenings {
			records: (1..=n).map(typical_record).collect::<Vec<_>>().try_into().expect("within the batch bound"),
		})
	};
	for n in [1u64, 10, 100] {
		assert_eq!(
			pallet_screenings::CheckScreening::<Runtime>::new().weight(&records(n)),
			<pallet_screenings::weights::SubstrateWeight<Runtime> as pallet_screenings::WeightInfo>::check_screening(n as u32),
		);
	}
	let heartbeat = RuntimeCall::Archive(pallet_archive::Call::heartbeat { node: 7 });
	assert_eq!(
		pallet_archive::CheckHeartbeat::<Runtime>::new().weight(&heartbeat),
		<pallet_archive::weights::SubstrateWeight<Runtime> as pallet_archive::WeightInfo>::check_heartbeat(),
	);
	let report = RuntimeCall::Archive(pallet_archive::Call::report_unproven { reporter: 7, node: 8, block: 1 });
	assert_eq!(
		pallet_archive::CheckHeartbeat::<Runtime>::new().weight(&report),
		<pallet_archive::weights::SubstrateWeight<Runtime> as pallet_archive::WeightInfo>::check_report(),
	);
	let nonce = pallet_devices::CheckNonce::<Runtime>::from(0);
	let remark = RuntimeCall::System(frame_system::Call::remark { remark: vec![] });
	assert_eq!(nonce.weight(&remark), cinechain_runtime::weights::frame_system_extensions::WeightInfo::<Runtime>::check_nonce());
	let rotate = RuntimeCall::Devices(pallet_devices::Call::rotate_key {
		new_key: sr25519::Public::from_raw([5; 32]).into(),
		proof: MultiSignature::Sr25519(sr25519::Signature::from_raw([0; 64])),
	});
	assert_eq!(
		nonce.weight(&rotate),
		<pallet_devices::weights::SubstrateWeight<Runtime> as pallet_devices::WeightInfo>::check_nonce_rotate_key(),
	);
	assert!(nonce.weight(&rotate).ref_time() > nonce.weight(&remark).ref_time(), "a rotation's proof check costs more than a nonce");
}
