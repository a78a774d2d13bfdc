//! Benchmarks of the archive pallet's calls and of its transaction extension
//! ([`CheckHeartbeat`], on heartbeats and on reports), each at its worst case: a full registry whose clusters are all full, so
//! that joining a cluster reads every cluster and every member.

use super::*;
use alloc::vec::Vec;
use cinechain_primitives::BenchmarkKeys;
use frame_benchmarking::v2::*;
use frame_support::{
	dispatch::{DispatchInfo, PostDispatchInfo},
	traits::{fungible::Mutate, EnsureOrigin, Get, IsSubType},
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_runtime::traits::{
	AsSystemOriginSigner, AsTransactionAuthorizedOrigin, DispatchTransaction, Dispatchable, Saturating, Zero,
};

/// A fresh archive key and its proof of possession for `operator`.
fn archive_key<T: Config>(operator: &T::AccountId) -> (T::AccountId, T::KeySignature) {
	let key = T::BenchmarkHelper::new_key();
	let proof = T::BenchmarkHelper::sign(&key, &Pallet::<T>::key_payload(operator, &key));
	(key, proof)
}

/// The registering origin, its account funded for `nodes` deposits.
fn funded_operator<T: Config>(nodes: u32) -> Result<(T::RuntimeOrigin, T::AccountId), BenchmarkError> {
	let origin = T::RegisterOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
	let operator = T::RegisterOrigin::ensure_origin(origin.clone()).map_err(|_| BenchmarkError::Weightless)?;
	let funds = T::Deposit::get()
		.saturating_mul(nodes.saturating_add(1).into())
		.saturating_add(T::Currency::minimum_balance().saturating_mul(10u32.into()));
	T::Currency::set_balance(&operator, funds);
	Ok((origin, operator))
}

fn text(prefix: &str, i: u32) -> BoundedVec<u8, ConstU32<MAX_ADDRESS_LEN>> {
	BoundedVec::truncate_from(alloc::format!("{prefix}{i:0>60}").into_bytes())
}

fn peer(i: u32) -> PeerId {
	BoundedVec::truncate_from(alloc::format!("12D3KooW{i:0>44}").into_bytes())
}

/// Registers `n` nodes, and funds the operator for one more; returns the nodes' numbers, the
/// operator's origin and its account.
fn register<T: Config>(n: u32) -> Result<(Vec<NodeId>, T::RuntimeOrigin, T::AccountId), BenchmarkError> {
	let (origin, operator) = funded_operator::<T>(n + 1)?;
	let mut nodes = Vec::new();
	for i in 0..n {
		let (key, proof) = archive_key::<T>(&operator);
		Pallet::<T>::register_node(origin.clone(), key, peer(i), text("http://10.0.0.1:", i), (i % 7) as u16, proof)
			.map_err(|_| BenchmarkError::Stop("registration failed"))?;
		nodes.push(NextNodeId::<T>::get() - 1);
	}
	Ok((nodes, origin, operator))
}

/// Moves the chain past every node's silence limit.
/// Moves to a block at which a reporter whose last report was at block 0 may report again (and
/// every node is silent); returns it.
fn ready_to_report<T: Config>() -> BlockNumberFor<T> {
	let now = silence_all::<T>().max(T::ReportInterval::get());
	frame_system::Pallet::<T>::set_block_number(now);
	now
}

fn silence_all<T: Config>() -> BlockNumberFor<T> {
	let later = frame_system::Pallet::<T>::block_number()
		.saturating_add(T::HeartbeatInterval::get().saturating_mul((T::MaxMissedHeartbeats::get() + 2).into()));
	frame_system::Pallet::<T>::set_block_number(later);
	later
}

#[benchmarks(where
	T: Send + Sync,
	<T as frame_system::Config>::RuntimeCall:
		Dispatchable<Info = DispatchInfo, PostInfo = PostDispatchInfo> + IsSubType<Call<T>> + From<Call<T>>,
	<<T as frame_system::Config>::RuntimeCall as Dispatchable>::RuntimeOrigin:
		AsSystemOriginSigner<T::AccountId> + AsTransactionAuthorizedOrigin + Clone,
)]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_node() -> Result<(), BenchmarkError> {
		let existing = T::MaxNodes::get() - 1;
		let (_, origin, operator) = register::<T>(existing)?;
		let (key, proof) = archive_key::<T>(&operator);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, key, peer(existing), text("http://10.0.0.2:", 0), 3, proof);

		assert_eq!(Nodes::<T>::count(), existing + 1);
		assert_eq!(Deposits::<T>::get(existing), Some(T::Deposit::get()));
		Ok(())
	}

	#[benchmark]
	fn heartbeat() -> Result<(), BenchmarkError> {
		let (nodes, _, _) = register::<T>(T::MaxNodes::get())?;
		// The worst heartbeat: from a node dropped while offline, which must rejoin a cluster
		// (every other cluster full, so every cluster is read).
		let node = *nodes.last().expect("at least one node");
		let info = Nodes::<T>::get(node).expect("registered");
		let cluster = info.cluster.expect("in a cluster");
		Clusters::<T>::mutate(cluster, |members| {
			if let Some(members) = members {
				members.retain(|m| *m != node);
			}
		});
		let now = silence_all::<T>();
		Nodes::<T>::insert(node, ArchiveNode { cluster: None, status: NodeStatus::Offline { since: now }, ..info });
		let key = Nodes::<T>::get(node).expect("registered").key;

		#[extrinsic_call]
		_(RawOrigin::Signed(key), node);

		assert_eq!(Nodes::<T>::get(node).map(|info| info.status), Some(NodeStatus::Online));
		Ok(())
	}

	/// The common heartbeat: an online member of a cluster.
	#[benchmark]
	fn heartbeat_in_cluster() -> Result<(), BenchmarkError> {
		let (nodes, _, _) = register::<T>(T::MaxNodes::get())?;
		let node = *nodes.last().expect("at least one node");
		let key = Nodes::<T>::get(node).expect("registered").key;
		silence_all::<T>();

		#[block]
		{
			Pallet::<T>::heartbeat(RawOrigin::Signed(key).into(), node).map_err(|e| e.error)?;
		}

		assert_eq!(Nodes::<T>::get(node).map(|info| info.last_heartbeat), Some(frame_system::Pallet::<T>::block_number()));
		Ok(())
	}

	#[benchmark]
	fn leave() -> Result<(), BenchmarkError> {
		let (nodes, _, operator) = register::<T>(T::MaxClusterSize::get())?;
		let node = nodes[0];

		#[extrinsic_call]
		_(RawOrigin::Signed(operator), node);

		assert!(Nodes::<T>::get(node).is_none());
		Ok(())
	}

	/// The liveness check with `n` registered nodes, all of them silent.
	#[benchmark]
	fn liveness_check(n: Linear<1, { T::MaxNodes::get() }>) -> Result<(), BenchmarkError> {
		register::<T>(n)?;
		let now = silence_all::<T>();

		#[block]
		{
			Pallet::<T>::mark_silent_nodes(now);
		}

		assert!(Nodes::<T>::iter().all(|(_, info)| matches!(info.status, NodeStatus::Offline { .. })));
		Ok(())
	}

	/// Re-forming clusters with `n` registered nodes, all of them offline for so long that the
	/// chain removes them (removal writes more than dropping a member from its cluster).
	#[benchmark]
	fn reform_clusters(n: Linear<1, { T::MaxNodes::get() }>) -> Result<(), BenchmarkError> {
		register::<T>(n)?;
		let now = silence_all::<T>();
		Pallet::<T>::mark_silent_nodes(now);
		frame_system::Pallet::<T>::set_block_number(now.saturating_add(T::OfflineRemoval::get()));

		#[block]
		{
			Pallet::<T>::reform_clusters();
		}

		assert_eq!(Clusters::<T>::iter().count(), 0);
		assert_eq!(Nodes::<T>::count(), 0);
		Ok(())
	}

	/// [`CheckHeartbeat`] on a node's feeless heartbeat: the key's node, the node's last
	/// heartbeat, and the interval's tag.
	#[benchmark]
	fn check_heartbeat() -> Result<(), BenchmarkError> {
		let (nodes, _, _) = register::<T>(T::MaxNodes::get())?;
		let node = *nodes.last().expect("at least one node");
		let key = Nodes::<T>::get(node).expect("registered").key;
		silence_all::<T>();
		let call: <T as frame_system::Config>::RuntimeCall = Call::<T>::heartbeat { node }.into();
		let info = DispatchInfo::default();

		#[block]
		{
			CheckHeartbeat::<T>::new()
				.test_run(RawOrigin::Signed(key).into(), &call, &info, 0, 0, |_| Ok(().into()))
				.map_err(|_| BenchmarkError::Stop("the heartbeat was refused"))?
				.map_err(|_| BenchmarkError::Stop("nothing is dispatched"))?;
		}
		Ok(())
	}

	/// A report in a full registry: the reporter's and the reported node's entries, the
	/// reporter's last report, and the two writes.
	#[benchmark]
	fn report_unproven() -> Result<(), BenchmarkError> {
		let (nodes, _, _) = register::<T>(T::MaxNodes::get())?;
		let (reporter, node) = (nodes[0], nodes[1]);
		let key = Nodes::<T>::get(reporter).expect("registered").key;
		let now = ready_to_report::<T>();
		LastReport::<T>::insert(reporter, BlockNumberFor::<T>::zero());
		let block = now.saturating_sub(1u32.into());

		#[extrinsic_call]
		_(RawOrigin::Signed(key), reporter, node, block);

		assert!(Suspects::<T>::contains_key(node));
		Ok(())
	}

	/// [`CheckHeartbeat`] on a feeless report: the key's node, the call's checks and the tag.
	#[benchmark]
	fn check_report() -> Result<(), BenchmarkError> {
		let (nodes, _, _) = register::<T>(T::MaxNodes::get())?;
		let (reporter, node) = (nodes[0], nodes[1]);
		let key = Nodes::<T>::get(reporter).expect("registered").key;
		let now = ready_to_report::<T>();
		LastReport::<T>::insert(reporter, BlockNumberFor::<T>::zero());
		let call: <T as frame_system::Config>::RuntimeCall =
			Call::<T>::report_unproven { reporter, node, block: now.saturating_sub(1u32.into()) }.into();
		let info = DispatchInfo::default();

		#[block]
		{
			CheckHeartbeat::<T>::new()
				.test_run(RawOrigin::Signed(key).into(), &call, &info, 0, 0, |_| Ok(().into()))
				.map_err(|_| BenchmarkError::Stop("the report was refused"))?
				.map_err(|_| BenchmarkError::Stop("nothing is dispatched"))?;
		}
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
