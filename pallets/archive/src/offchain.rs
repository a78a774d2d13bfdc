//! What a node's archive worker hands its offchain worker: members that failed its audits, to be
//! reported on chain ([`crate::Pallet::report_unproven`]). The archive worker adds entries to a
//! list in the node's persistent offchain storage under [`PENDING_REPORTS`]; the offchain worker
//! takes them off as it reports them ([`crate::Pallet::send_reports`]). One format, here, for
//! both sides.

use crate::NodeId;
use alloc::vec::Vec;

/// The persistent offchain-storage key of the list.
pub const PENDING_REPORTS: &[u8] = b"cinechain::archive::pending-reports";
/// Most entries the list holds: one per reported member, so a cluster's worth with room.
pub const MAX_PENDING: usize = 16;

/// `(member, block it failed to prove)`, oldest first; SCALE-encoded in storage.
pub type Pending = Vec<(NodeId, u32)>;

/// Adds a report of `node` failing on block `block`: the newest entry per member replaces an
/// older one, and beyond [`MAX_PENDING`] the oldest entries go.
pub fn add(pending: &mut Pending, node: NodeId, block: u32) {
	pending.retain(|(n, _)| *n != node);
	pending.push((node, block));
	let excess = pending.len().saturating_sub(MAX_PENDING);
	pending.drain(..excess);
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn one_entry_per_member_and_the_list_stays_bounded() {
		let mut pending = Pending::new();
		add(&mut pending, 3, 10);
		add(&mut pending, 4, 11);
		add(&mut pending, 3, 12);
		assert_eq!(pending, vec![(4, 11), (3, 12)]);
		for node in 100..130 {
			add(&mut pending, node, 1);
		}
		assert_eq!(pending.len(), MAX_PENDING);
		assert_eq!(pending.first(), Some(&(114, 1)), "the oldest went");
	}
}
