use crate::{mock::*, *};
use codec::Encode;
use sp_runtime::testing::TestSignature;
use frame_support::{assert_noop, assert_ok, BoundedVec};
use frame_system::RawOrigin;

fn text(s: &str) -> BoundedVec<u8, frame_support::pallet_prelude::ConstU32<128>> {
	BoundedVec::truncate_from(s.as_bytes().to_vec())
}

fn peer(s: &str) -> PeerId {
	BoundedVec::truncate_from(s.as_bytes().to_vec())
}

/// Operator `100 + key` registers a node with archive key `key` in `zone`.
fn register(key: u64, zone: u16) -> NodeId {
	assert_ok!(Archive::register_node(
		RuntimeOrigin::signed(100 + key),
		key,
		peer(&format!("12D3KooWpeer{key}")),
		text(&format!("/ip4/127.0.0.1/tcp/{}", 30_000 + key)),
		zone,
		proof(100 + key, key),
	));
	NextNodeId::<Test>::get() - 1
}

/// What `who` has on hold for archive deposits, and free.
fn held_and_free(who: u64) -> (u128, u128) {
	use frame_support::traits::fungible::{Inspect, InspectHold};
	(Balances::balance_on_hold(&HoldReason::Registration.into(), &who), Balances::balance(&who))
}

fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| if let RuntimeEvent::Archive(e) = r.event { Some(e) } else { None })
		.collect()
}

#[test]
fn nodes_fill_clusters_by_rule_with_member_numbers_fixed_by_the_chain() {
	new_test_ext().execute_with(|| {
		let nodes: Vec<NodeId> = (1..=5).map(|k| register(k, k as u16 % 2)).collect();
		assert_eq!(Clusters::<Test>::get(0).unwrap().to_vec(), nodes[..3].to_vec());
		assert_eq!(Clusters::<Test>::get(1).unwrap().to_vec(), nodes[3..].to_vec());
		assert_eq!(Nodes::<Test>::get(nodes[4]).unwrap().cluster, Some(1));
		assert!(events().contains(&Event::NodeRegistered { node: nodes[4], operator: 105, zone: 1, cluster: 1, member: 1, deposit: DEPOSIT }));
		Archive::do_try_state().unwrap();
	});
}

#[test]
fn bad_registrations_are_refused_and_change_nothing() {
	new_test_ext().execute_with(|| {
		register(1, 0);
		let call = |key: u64, peer_id: &str, address: &str| {
			Archive::register_node(RuntimeOrigin::signed(120), key, peer(peer_id), text(address), 0, proof(120, key))
		};
		assert_noop!(call(1, "p", "/ip4/1.2.3.4/tcp/1"), Error::<Test>::KeyInUse);
		assert_noop!(call(2, "", "/ip4/1.2.3.4/tcp/1"), Error::<Test>::BadAddress);
		assert_noop!(call(2, "p", "has space"), Error::<Test>::BadAddress);
		assert_noop!(
			Archive::register_node(RawOrigin::None.into(), 2, peer("p"), text("a"), 0, proof(120, 2)),
			sp_runtime::DispatchError::BadOrigin
		);
		// An operator without the deposit.
		assert_noop!(
			Archive::register_node(RuntimeOrigin::signed(200), 2, peer("p"), text("a"), 0, proof(200, 2)),
			Error::<Test>::CannotHoldDeposit
		);
		for key in 2..=8 {
			register(key, 0);
		}
		assert_noop!(call(9, "p", "a"), Error::<Test>::TooManyNodes);
	});
}

#[test]
fn a_silent_member_goes_offline_and_its_blocks_move_to_the_others() {
	new_test_ext().execute_with(|| {
		let (a, b, c) = (register(1, 0), register(2, 1), register(3, 2));
		let block = [7u8; 32];
		let before = Archive::holders_of(0, &block);
		assert_eq!(before.len(), 2);
		// Everyone beats until block 20; then the first holder falls silent.
		let silent = before[0];
		for now in [5, 10, 15, 20] {
			run_to(now);
			for node in [a, b, c] {
				assert_ok!(Archive::heartbeat(RuntimeOrigin::signed(Nodes::<Test>::get(node).unwrap().key), node));
			}
		}
		for now in [25, 30, 35] {
			run_to(now);
			for node in [a, b, c].into_iter().filter(|n| *n != silent) {
				assert_ok!(Archive::heartbeat(RuntimeOrigin::signed(Nodes::<Test>::get(node).unwrap().key), node));
			}
		}
		// Silent since 20; two missed intervals (10 blocks) later, at the check of block 35, it
		// is offline.
		assert_eq!(Nodes::<Test>::get(silent).unwrap().status, NodeStatus::Offline { since: 35 });
		assert!(events().contains(&Event::NodeOffline { node: silent, cluster: Some(0), last_heartbeat: 20 }));
		let after = Archive::holders_of(0, &block);
		assert_eq!(after.len(), 2);
		assert!(!after.contains(&silent));
		assert!(after.contains(&before[1]), "the other holder keeps its copy");
		// It comes back: online again, and holds its share once more.
		assert_ok!(Archive::heartbeat(RuntimeOrigin::signed(Nodes::<Test>::get(silent).unwrap().key), silent));
		assert_eq!(Archive::holders_of(0, &block), before);
		assert!(events().contains(&Event::NodeBackOnline { node: silent, cluster: Some(0) }));
		Archive::do_try_state().unwrap();
	});
}

mod heartbeat_gate {
	use super::*;
	use cinechain_primitives::refusal;
	use frame_support::{dispatch::GetDispatchInfo, weights::Weight};
	use sp_runtime::{
		traits::DispatchTransaction,
		transaction_validity::{InvalidTransaction, TransactionSource, ValidTransaction},
	};

	fn pool(key: u64, node: NodeId) -> Result<ValidTransaction, sp_runtime::transaction_validity::TransactionValidityError> {
		let call = RuntimeCall::Archive(Call::heartbeat { node });
		CheckHeartbeat::<Test>::new()
			.validate_only(RuntimeOrigin::signed(key), &call, &call.get_dispatch_info(), 0, TransactionSource::External, 0)
			.map(|(validity, _, _)| validity)
	}

	/// A heartbeat as a block includes it: the gate, then the call; the weight it is charged.
	fn include(key: u64, node: NodeId) -> Result<Weight, sp_runtime::transaction_validity::TransactionValidityError> {
		let call = RuntimeCall::Archive(Call::heartbeat { node });
		let info = call.get_dispatch_info();
		CheckHeartbeat::<Test>::new().dispatch_transaction(RuntimeOrigin::signed(key), call, &info, 0, 0).map(|result| {
			let post = result.expect("the gate let it in, so it succeeds");
			post.calc_actual_weight(&info)
		})
	}

	#[test]
	fn one_heartbeat_per_node_per_interval() {
		new_test_ext().execute_with(|| {
			let node = register(1, 0);
			let too_soon: Result<ValidTransaction, _> = Err(InvalidTransaction::Custom(refusal::HEARTBEAT_TOO_SOON).into());
			assert_eq!(pool(1, node), too_soon, "registration counts as this interval's heartbeat");
			run_to(5);
			let first = pool(1, node).expect("a new interval");
			assert!(first.priority > 0);
			assert_eq!(pool(1, node).unwrap().provides, first.provides, "the pool keeps one per interval");
			assert!(include(1, node).is_ok());
			assert_eq!(pool(1, node), too_soon);
			assert_eq!(include(1, node), Err(InvalidTransaction::Custom(refusal::HEARTBEAT_TOO_SOON).into()), "a block refuses it too");
			run_to(10);
			let next = pool(1, node).expect("the next interval");
			assert_ne!(next.provides, first.provides);
		});
	}

	#[test]
	fn heartbeats_that_pay_are_not_limited_here() {
		new_test_ext().execute_with(|| {
			let node = register(1, 0);
			register(2, 0);
			// Key 2 sending node 1's heartbeat is not feeless: it pays, and fails at dispatch.
			assert_eq!(pool(2, node), Ok(ValidTransaction::default()));
			let remark = RuntimeCall::System(frame_system::Call::remark { remark: vec![] });
			assert!(CheckHeartbeat::<Test>::new()
				.validate_only(RuntimeOrigin::signed(1), &remark, &remark.get_dispatch_info(), 0, TransactionSource::External, 0)
				.is_ok());
		});
	}

	#[test]
	fn a_member_s_heartbeat_is_charged_the_common_case() {
		new_test_ext().execute_with(|| {
			let node = register(1, 0);
			run_to(5);
			let charged = include(1, node).unwrap();
			assert_eq!(charged, <() as WeightInfo>::heartbeat_in_cluster());
			assert!(charged.all_lt(<() as WeightInfo>::heartbeat()));
		});
	}
}

#[test]
fn heartbeats_must_come_from_the_nodes_own_key() {
	new_test_ext().execute_with(|| {
		let a = register(1, 0);
		let b = register(2, 0);
		assert_noop!(Archive::heartbeat(RuntimeOrigin::signed(2), a), Error::<Test>::NotNodeKey);
		assert_noop!(Archive::heartbeat(RuntimeOrigin::signed(1), 99), Error::<Test>::UnknownNode);
		assert_ok!(Archive::heartbeat(RuntimeOrigin::signed(2), b));
	});
}

#[test]
fn the_epoch_drops_offline_members_and_they_rejoin_by_rule_when_heard_again() {
	new_test_ext().execute_with(|| {
		let (a, b, c) = (register(1, 0), register(2, 1), register(3, 2));
		// Only a and b keep beating.
		for now in (5..=50).step_by(5) {
			run_to(now);
			for node in [a, b] {
				assert_ok!(Archive::heartbeat(RuntimeOrigin::signed(Nodes::<Test>::get(node).unwrap().key), node));
			}
		}
		assert_eq!(Clusters::<Test>::get(0).unwrap().to_vec(), vec![a, b]);
		assert_eq!(Nodes::<Test>::get(c).unwrap().cluster, None);
		assert!(events().contains(&Event::ClusterReformed { cluster: 0, members: 2, dropped: 1 }));
		Archive::do_try_state().unwrap();
		// c returns: it joins the first cluster with room, as its last member.
		assert_ok!(Archive::heartbeat(RuntimeOrigin::signed(3), c));
		assert_eq!(Clusters::<Test>::get(0).unwrap().to_vec(), vec![a, b, c]);
		assert!(events().contains(&Event::NodeJoined { node: c, cluster: 0, member: 2 }));
		assert_eq!(Nodes::<Test>::get(c).unwrap().status, NodeStatus::Online);
		Archive::do_try_state().unwrap();
	});
}

#[test]
fn a_key_is_registered_only_with_its_own_signature_for_this_operator_and_chain() {
	new_test_ext().execute_with(|| {
		let register = |operator: u64, key: u64, proof| {
			Archive::register_node(RuntimeOrigin::signed(operator), key, peer("p"), text("http://a"), 0, proof)
		};
		// A front-runner replays the operator's proof under its own account: refused.
		assert_noop!(register(120, 1, proof(101, 1)), Error::<Test>::BadProof);
		// Another key signed: refused.
		assert_noop!(register(101, 1, TestSignature(2, Archive::key_payload(&101, &1))), Error::<Test>::BadProof);
		// A proof made for another chain (another genesis hash): refused.
		let other_chain = (KEY_CONTEXT, sp_core::H256::repeat_byte(9), 101u64, 1u64).encode();
		assert_noop!(register(101, 1, TestSignature(1, other_chain)), Error::<Test>::BadProof);
		assert_eq!(held_and_free(101), (0, FUNDS));
		assert_ok!(register(101, 1, proof(101, 1)));
		assert_eq!(held_and_free(101), (DEPOSIT, FUNDS - DEPOSIT));
	});
}

#[test]
fn a_deposit_is_held_while_registered_and_returned_when_the_node_leaves() {
	new_test_ext().execute_with(|| {
		let (a, b) = (register(1, 0), register(2, 0));
		assert_eq!(Deposits::<Test>::get(a), Some(DEPOSIT));
		assert_eq!(held_and_free(101), (DEPOSIT, FUNDS - DEPOSIT));
		assert_ok!(Archive::leave(RuntimeOrigin::signed(101), a));
		assert_eq!(held_and_free(101), (0, FUNDS));
		assert!(Deposits::<Test>::get(a).is_none());
		// A deposit taken by the admin origin is gone.
		let issuance = Balances::total_issuance();
		assert_ok!(Archive::remove_node(RuntimeOrigin::root(), b));
		assert_eq!(held_and_free(102), (0, FUNDS - DEPOSIT));
		assert_eq!(Balances::total_issuance(), issuance - DEPOSIT);
		Archive::do_try_state().unwrap();
	});
}

#[test]
fn only_the_operator_removes_a_node_and_its_blocks_move() {
	new_test_ext().execute_with(|| {
		let (a, b, c) = (register(1, 0), register(2, 1), register(3, 2));
		assert_noop!(Archive::leave(RuntimeOrigin::signed(1), a), Error::<Test>::NotOperator);
		assert_noop!(Archive::leave(RuntimeOrigin::signed(101), 42), Error::<Test>::UnknownNode);
		assert_ok!(Archive::leave(RuntimeOrigin::signed(101), a));
		assert_eq!(Clusters::<Test>::get(0).unwrap().to_vec(), vec![b, c]);
		assert!(NodeByKey::<Test>::get(1).is_none());
		assert!(events().contains(&Event::NodeLeft { node: a, cluster: Some(0) }));
		assert_eq!(Archive::holders_of(0, &[1; 32]).len(), 2);
		// Its key may register again (a rebuilt node), as a new node.
		let again = register(1, 0);
		assert_ne!(again, a);
		Archive::do_try_state().unwrap();
	});
}

#[test]
fn a_new_node_takes_the_place_of_a_member_offline_past_the_grace_period() {
	new_test_ext().execute_with(|| {
		let (a, b, c) = (register(1, 0), register(2, 1), register(3, 2));
		let beat = |nodes: &[NodeId]| {
			for node in nodes {
				assert_ok!(Archive::heartbeat(RuntimeOrigin::signed(Nodes::<Test>::get(node).unwrap().key), *node));
			}
		};
		for now in [5, 10, 15] {
			run_to(now);
			beat(&[a, b]);
		}
		assert_eq!(Nodes::<Test>::get(c).unwrap().status, NodeStatus::Offline { since: 15 });
		// Within the grace period (10 blocks) c keeps its place: a newcomer opens a cluster.
		let d = register(4, 3);
		assert_eq!(Clusters::<Test>::get(0).unwrap().to_vec(), vec![a, b, c]);
		assert_eq!(Nodes::<Test>::get(d).unwrap().cluster, Some(1));
		// Past it, the cluster is full (3) but c is offline: the next newcomer replaces it, and
		// holds its share at once.
		for now in [20, 25] {
			run_to(now);
			beat(&[a, b, d]);
		}
		let e = register(5, 3);
		assert_eq!(Clusters::<Test>::get(0).unwrap().to_vec(), vec![a, b, e]);
		assert_eq!(Nodes::<Test>::get(c).unwrap().cluster, None);
		let held_by_e = (0u8..=255).filter(|i| Archive::holders_of(0, &[*i; 32]).contains(&e)).count();
		assert!(held_by_e > 100, "e holds about 2/3 of the blocks, held {held_by_e} of 256");
		Archive::do_try_state().unwrap();
		// c, heard from again, joins by rule (here: cluster 1, which has room).
		assert_ok!(Archive::heartbeat(RuntimeOrigin::signed(3), c));
		assert_eq!(Nodes::<Test>::get(c).unwrap().cluster, Some(1));
		Archive::do_try_state().unwrap();
	});
}

#[test]
fn the_registry_frees_itself_of_nodes_offline_for_too_long() {
	new_test_ext().execute_with(|| {
		let (a, b) = (register(1, 0), register(2, 1));
		// Only a beats; b goes offline at block 15 and is removed at the first re-forming at
		// least 100 blocks later (re-formings every 50: block 150).
		for now in (5..=145).step_by(5) {
			run_to(now);
			assert_ok!(Archive::heartbeat(RuntimeOrigin::signed(1), a));
		}
		assert!(Nodes::<Test>::get(b).is_some(), "dropped from its cluster at 50 and 100, still registered");
		assert_eq!(Nodes::<Test>::get(b).unwrap().cluster, None);
		run_to(150);
		assert!(Nodes::<Test>::get(b).is_none());
		assert!(NodeByKey::<Test>::get(2).is_none());
		assert_eq!(System::providers(&2), 0);
		assert!(events().contains(&Event::NodeRemoved { node: b, cluster: None, reason: Removal::Offline }));
		assert_eq!(held_and_free(102), (0, FUNDS), "a node that stopped running costs its operator nothing");
		assert!(Nodes::<Test>::get(a).is_some());
		Archive::do_try_state().unwrap();
		// Its key may register again.
		register(2, 1);
	});
}

#[test]
fn the_admin_origin_removes_any_node() {
	new_test_ext().execute_with(|| {
		let (a, b) = (register(1, 0), register(2, 1));
		assert_noop!(Archive::remove_node(RuntimeOrigin::signed(101), a), sp_runtime::DispatchError::BadOrigin);
		assert_noop!(Archive::remove_node(RuntimeOrigin::root(), 42), Error::<Test>::UnknownNode);
		assert_ok!(Archive::report_unproven(RuntimeOrigin::signed(2), b, a, 0));
		assert_ok!(Archive::remove_node(RuntimeOrigin::root(), a));
		assert!(events().contains(&Event::NodeRemoved { node: a, cluster: Some(0), reason: Removal::Admin }));
		assert_eq!(Clusters::<Test>::get(0).unwrap().to_vec(), vec![b]);
		assert!(Suspects::<Test>::get(a).is_none() && NodeByKey::<Test>::get(1).is_none());
		Archive::do_try_state().unwrap();
	});
}

#[test]
fn an_archive_key_is_an_account_while_registered() {
	new_test_ext().execute_with(|| {
		let a = register(1, 0);
		assert_eq!(System::providers(&1), 1, "the key can sign heartbeats without funds");
		assert_eq!(Archive::assignment(&1), Some(runtime_api::Assignment { node: a, cluster: Some(0), online: true }));
		assert_eq!(Archive::members(0).len(), 1);
		assert_ok!(Archive::leave(RuntimeOrigin::signed(101), a));
		assert_eq!(System::providers(&1), 0);
		assert_eq!(Archive::assignment(&1), None);
	});
}

#[test]
fn the_offchain_worker_signs_a_heartbeat_for_each_registered_key_in_its_keystore() {
	use frame_support::traits::Hooks;
	use sp_runtime::testing::UintAuthorityId;

	with_offchain_worker(|_, sent| {
		let node = register(7, 0);
		register(8, 1);
		// The keystore holds key 7 (registered) and key 9 (not registered): one heartbeat.
		UintAuthorityId::set_all_keys(vec![7u64, 9]);
		run_to(4);
		Archive::offchain_worker(3);
		assert!(sent().is_empty(), "no heartbeat between intervals");
		Archive::offchain_worker(5);
		let xts = sent();
		assert_eq!(xts.len(), 1);
		assert_eq!(xts[0].function, RuntimeCall::Archive(Call::heartbeat { node }));
		assert!(matches!(xts[0].preamble, sp_runtime::generic::Preamble::Signed(7, _, _)));
		// Node 1 sends one block earlier in each interval: heartbeats spread over the interval.
		UintAuthorityId::set_all_keys(vec![7u64, 8]);
		Archive::offchain_worker(9);
		let xts = sent();
		assert_eq!(xts.len(), 1);
		assert_eq!(xts[0].function, RuntimeCall::Archive(Call::heartbeat { node: 1 }));
	});
}

mod reports {
	use super::*;
	use cinechain_primitives::refusal;
	use frame_support::dispatch::GetDispatchInfo;
	use sp_runtime::{
		traits::DispatchTransaction,
		transaction_validity::{InvalidTransaction, TransactionSource, ValidTransaction},
	};

	fn report(reporter: NodeId, node: NodeId, block: u64) -> RuntimeCall {
		RuntimeCall::Archive(Call::report_unproven { reporter, node, block })
	}

	fn pool(key: u64, call: &RuntimeCall) -> Result<ValidTransaction, sp_runtime::transaction_validity::TransactionValidityError> {
		CheckHeartbeat::<Test>::new()
			.validate_only(RuntimeOrigin::signed(key), call, &call.get_dispatch_info(), 0, TransactionSource::External, 0)
			.map(|(validity, _, _)| validity)
	}

	#[test]
	fn a_reported_member_is_a_suspect_for_a_while_and_holds_beside_r_others() {
		new_test_ext().execute_with(|| {
			// One cluster of three (the mock's MaxClusterSize), R = 2.
			let nodes: Vec<NodeId> = (1..=3).map(|k| register(k, k as u16)).collect();
			run_to(5);
			assert!(Archive::suspects(0).is_empty());
			let hash = (0u32..)
				.map(|i| sp_io::hashing::blake2_256(&i.to_le_bytes()))
				.find(|h| Archive::holders_of(0, h).contains(&nodes[2]))
				.unwrap();
			assert_eq!(Archive::holders_of(0, &hash).len(), 2);
			assert_ok!(Archive::report_unproven(RuntimeOrigin::signed(1), nodes[0], nodes[2], 4));
			assert!(events().contains(&Event::PossessionUnproven { reporter: nodes[0], node: nodes[2], block: 4, until: 25 }));
			assert_eq!(Archive::suspects(0), vec![nodes[2]]);
			// R members that are not suspects hold its block, and it keeps its own copy.
			let holders = Archive::holders_of(0, &hash);
			assert_eq!(holders.len(), 3);
			assert_eq!(holders.iter().filter(|n| **n != nodes[2]).count(), 2);
			Archive::do_try_state().unwrap();
			// (The block number alone: no liveness check marks the silent members offline.)
			System::set_block_number(25);
			assert!(Archive::suspects(0).is_empty(), "the suspicion is over");
			assert_eq!(Archive::holders_of(0, &hash).len(), 2);
		});
	}

	#[test]
	fn bad_reports_are_refused_and_change_nothing() {
		new_test_ext().execute_with(|| {
			let nodes: Vec<NodeId> = (1..=4).map(|k| register(k, 0)).collect();
			run_to(5);
			let call = |key: u64, reporter, node, block| Archive::report_unproven(RuntimeOrigin::signed(key), reporter, node, block);
			assert_noop!(call(2, nodes[0], nodes[1], 4), Error::<Test>::NotNodeKey);
			assert_noop!(call(1, nodes[0], 99, 4), Error::<Test>::UnknownNode);
			assert_noop!(call(1, nodes[0], nodes[0], 4), Error::<Test>::NotInCluster);
			// Node 4 is in the second cluster.
			assert_noop!(call(1, nodes[0], nodes[3], 4), Error::<Test>::NotInCluster);
			assert_noop!(call(1, nodes[0], nodes[1], 5), Error::<Test>::NotPastBlock);
			assert_ok!(call(1, nodes[0], nodes[1], 4));
			assert_noop!(call(1, nodes[0], nodes[2], 4), Error::<Test>::ReportTooSoon);
			// One report per ReportInterval (8 blocks), whatever the heartbeat interval (5).
			run_to(12);
			assert_noop!(call(1, nodes[0], nodes[2], 11), Error::<Test>::ReportTooSoon);
			run_to(13);
			assert_ok!(call(1, nodes[0], nodes[2], 12));
			// Leaving clears a node's suspicion and its reports.
			assert_ok!(Archive::leave(RuntimeOrigin::signed(102), nodes[1]));
			assert!(Suspects::<Test>::get(nodes[1]).is_none());
			Archive::do_try_state().unwrap();
		});
	}

	#[test]
	fn the_pool_takes_one_feeless_report_per_reporter_per_interval_and_only_good_ones() {
		new_test_ext().execute_with(|| {
			let nodes: Vec<NodeId> = (1..=3).map(|k| register(k, 0)).collect();
			run_to(5);
			let refused: Result<ValidTransaction, _> = Err(InvalidTransaction::Custom(refusal::REPORT_REFUSED).into());
			assert_eq!(pool(1, &report(nodes[0], nodes[0], 4)), refused, "itself");
			assert_eq!(pool(1, &report(nodes[0], 42, 4)), refused, "an unknown node");
			assert_eq!(pool(1, &report(nodes[0], nodes[1], 7)), refused, "a future block");
			let good = report(nodes[0], nodes[1], 4);
			let first = pool(1, &good).expect("a good report");
			assert!(first.priority > 0 && !first.provides.is_empty());
			// The reporter's other reports share the tag: the pool holds one of them at a time.
			let other = pool(1, &report(nodes[0], nodes[2], 4)).expect("another good report");
			assert_eq!(other.provides, first.provides);
			// Another key naming node 1 as reporter is not feeless: it pays, and the call refuses it.
			assert_eq!(pool(2, &good), Ok(ValidTransaction::default()));
			let info = good.get_dispatch_info();
			let included = CheckHeartbeat::<Test>::new().dispatch_transaction(RuntimeOrigin::signed(1), good.clone(), &info, 0, 0);
			assert!(included.expect("the gate lets it in").is_ok(), "and it succeeds");
			assert_eq!(pool(1, &report(nodes[0], nodes[2], 4)), refused, "one per interval");
		});
	}

	#[test]
	fn the_offchain_worker_reports_what_the_archive_worker_left_it() {
		use codec::{Decode, Encode};
		use frame_support::traits::Hooks;
		use sp_core::offchain::OffchainStorage;
		use sp_runtime::testing::UintAuthorityId;

		with_offchain_worker(|offchain, sent| {
			let nodes: Vec<NodeId> = (1..=3).map(|k| register(k, 0)).collect();
			UintAuthorityId::set_all_keys(vec![1u64]);
			run_to(7);
			// What the archive worker leaves: node 3 (good), node 99 (gone: dropped unsent).
			let pending: offchain::Pending = vec![(99, 5), (nodes[2], 6)];
			offchain.0.write().persistent_storage.set(b"", offchain::PENDING_REPORTS, &pending.encode());
			Archive::send_reports();
			let xts = sent();
			assert_eq!(xts.len(), 1);
			assert_eq!(xts[0].function, RuntimeCall::Archive(Call::report_unproven { reporter: nodes[0], node: nodes[2], block: 6 }));
			let left = OffchainStorage::get(&offchain.0.read().persistent_storage, b"", offchain::PENDING_REPORTS).unwrap();
			assert!(offchain::Pending::decode(&mut &left[..]).unwrap().is_empty(), "both handled");
			// Nothing pending: nothing sent.
			Archive::offchain_worker(8);
			assert!(sent()
				.iter()
				.all(|xt| !matches!(xt.function, RuntimeCall::Archive(Call::report_unproven { .. }))));
		});
	}
}
