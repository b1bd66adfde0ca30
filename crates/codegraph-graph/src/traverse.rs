//! Graph traversal over the stored adjacency: breadth-first walks (callers,
//! callees, impact) and shortest paths. Every walk is bounded by depth and
//! by the number of nodes it may visit, so a hub (`printk`, `len`) cannot
//! hang a query; the visited set makes cycles harmless.

use std::collections::{HashMap, HashSet};

use codegraph_core::{Edge, EdgeKind, NodeId};

use crate::{Store, StoreError};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Direction {
    /// Follow edges from source to target (callees, dependencies).
    Out,
    /// Follow edges from target to source (callers, dependents).
    In,
}

/// One node reached by a walk, with the edge that reached it first.
#[derive(Clone, Debug, PartialEq)]
pub struct Hop {
    pub node: NodeId,
    /// The edge walked to reach `node` (in its stored orientation).
    pub via: Edge,
    /// The node the walk came from.
    pub parent: NodeId,
    pub depth: u32,
    /// Product of confidences along the way.
    pub confidence: f32,
}

#[derive(Clone, Debug)]
pub struct Walk {
    pub hops: Vec<Hop>,
    /// The walk stopped at `limit` before exhausting `max_depth`.
    pub truncated: bool,
}

/// Which edges a walk follows, beyond their kind.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EdgeFilter {
    /// Edges below this confidence are not followed.
    pub min_confidence: f32,
    /// Follow guessed edges ([`Resolution::is_guess`]: by name alone, or
    /// one of several indistinguishable same-named methods).
    pub include_guesses: bool,
}

impl EdgeFilter {
    /// Every edge.
    pub const ALL: EdgeFilter = EdgeFilter {
        min_confidence: 0.0,
        include_guesses: true,
    };

    pub fn accepts(&self, edge: &Edge) -> bool {
        edge.confidence >= self.min_confidence
            && (self.include_guesses || !edge.resolution.is_guess())
    }
}

/// `kinds` in key order, as one scan of every kind would return their
/// edges: sorted once per walk, not per node.
fn in_key_order(kinds: &[EdgeKind]) -> Vec<EdgeKind> {
    let mut kinds = kinds.to_vec();
    kinds.sort_by_key(|k| *k as u8);
    kinds
}

/// The edges of `kinds` (in key order) at `id` that `filter` accepts, at
/// most `cap` of each kind: per-kind prefix scans, stopped at the cap.
fn neighbours(
    store: &Store,
    id: NodeId,
    direction: Direction,
    kinds: &[EdgeKind],
    filter: &EdgeFilter,
    cap: usize,
) -> Result<Vec<Edge>, StoreError> {
    let keep = |edge: &Edge| filter.accepts(edge);
    let mut edges = Vec::new();
    for &kind in kinds {
        edges.extend(match direction {
            Direction::Out => store.out_edges_of(id, kind, cap, &keep)?,
            Direction::In => store.in_edges_of(id, kind, cap, &keep)?,
        });
    }
    Ok(edges)
}

/// Frontiers at least this wide fetch their nodes' edges in parallel
/// (rayon); narrower ones stay on the calling thread, where a parallel
/// fan-out costs more than it saves (`benches/store.rs`, `impact_wide`).
pub const PARALLEL_FRONTIER: usize = 64;

/// Breadth-first from `starts` along edges of `kinds`, up to `max_depth`
/// hops and `limit` reached nodes. Level by level: a wide level reads its
/// nodes' adjacency in parallel, then merges it in frontier order, so the
/// result is the same as a sequential walk's.
pub fn walk(
    store: &Store,
    starts: &[NodeId],
    direction: Direction,
    kinds: &[EdgeKind],
    max_depth: u32,
    limit: usize,
) -> Result<Walk, StoreError> {
    walk_filtered(
        store,
        starts,
        direction,
        kinds,
        &EdgeFilter::ALL,
        max_depth,
        limit,
    )
}

/// [`walk`] along the edges `filter` accepts only.
pub fn walk_filtered(
    store: &Store,
    starts: &[NodeId],
    direction: Direction,
    kinds: &[EdgeKind],
    filter: &EdgeFilter,
    max_depth: u32,
    limit: usize,
) -> Result<Walk, StoreError> {
    walk_with(
        store,
        starts,
        direction,
        kinds,
        filter,
        max_depth,
        limit,
        PARALLEL_FRONTIER,
    )
}

/// [`walk`] on one thread whatever the frontier (the benchmark's baseline).
pub fn walk_sequential(
    store: &Store,
    starts: &[NodeId],
    direction: Direction,
    kinds: &[EdgeKind],
    max_depth: u32,
    limit: usize,
) -> Result<Walk, StoreError> {
    walk_with(
        store,
        starts,
        direction,
        kinds,
        &EdgeFilter::ALL,
        max_depth,
        limit,
        usize::MAX,
    )
}

#[allow(clippy::too_many_arguments)]
fn walk_with(
    store: &Store,
    starts: &[NodeId],
    direction: Direction,
    kinds: &[EdgeKind],
    filter: &EdgeFilter,
    max_depth: u32,
    limit: usize,
    parallel_from: usize,
) -> Result<Walk, StoreError> {
    use rayon::prelude::*;

    let kinds = &in_key_order(kinds)[..];

    let mut visited: HashSet<NodeId> = starts.iter().copied().collect();
    let mut frontier: Vec<(NodeId, f32)> = starts.iter().map(|&s| (s, 1.0)).collect();
    let mut hops = Vec::new();
    for depth in 0..max_depth {
        if frontier.is_empty() {
            break;
        }
        // No node can add more than the hops still allowed, plus those
        // it may find already visited: a hub's scan stops there.
        let cap = (limit - hops.len().min(limit))
            .saturating_add(visited.len())
            .saturating_add(1);
        let adjacency: Vec<Vec<Edge>> = if frontier.len() >= parallel_from {
            frontier
                .par_iter()
                .map(|&(id, _)| neighbours(store, id, direction, kinds, filter, cap))
                .collect::<Result<_, _>>()?
        } else {
            frontier
                .iter()
                .map(|&(id, _)| neighbours(store, id, direction, kinds, filter, cap))
                .collect::<Result<_, _>>()?
        };
        let mut next_frontier = Vec::new();
        for (&(current, confidence), edges) in frontier.iter().zip(adjacency) {
            for edge in edges {
                let next = match direction {
                    Direction::Out => edge.to,
                    Direction::In => edge.from,
                };
                if !visited.insert(next) {
                    continue;
                }
                if hops.len() >= limit {
                    return Ok(Walk {
                        hops,
                        truncated: true,
                    });
                }
                let reached = confidence * edge.confidence;
                hops.push(Hop {
                    node: next,
                    via: edge,
                    parent: current,
                    depth: depth + 1,
                    confidence: reached,
                });
                next_frontier.push((next, reached));
            }
        }
        frontier = next_frontier;
    }
    Ok(Walk {
        hops,
        truncated: false,
    })
}

/// The shortest chain of out-edges of `kinds` from `from` to `to`, as the
/// edges walked, or `None` within `max_depth` hops and `limit` nodes. Of
/// equally short chains, the one with fewest containment steps: a path of
/// calls and references says more than one through a class to its method.
pub fn shortest_path(
    store: &Store,
    from: NodeId,
    to: NodeId,
    kinds: &[EdgeKind],
    max_depth: u32,
    limit: usize,
) -> Result<Option<Vec<Edge>>, StoreError> {
    if from == to {
        return Ok(Some(Vec::new()));
    }
    let kinds = &in_key_order(kinds)[..];
    // How each node was first reached, and the containment steps on the way.
    let mut came_from: HashMap<NodeId, (Edge, u32)> = HashMap::new();
    let mut frontier = vec![from];
    let mut seen: HashSet<NodeId> = HashSet::from([from]);
    let mut over_limit = false;
    for _ in 0..max_depth {
        // This level's nodes in the order first reached, each by its
        // cheapest edge.
        let mut next_frontier: Vec<NodeId> = Vec::new();
        let mut level: HashSet<NodeId> = HashSet::new();
        for &node in &frontier {
            if seen.len() > limit {
                over_limit = true;
                break;
            }
            let steps = came_from.get(&node).map_or(0, |(_, steps)| *steps);
            for edge in neighbours(
                store,
                node,
                Direction::Out,
                kinds,
                &EdgeFilter::ALL,
                usize::MAX,
            )? {
                let steps = steps + u32::from(edge.kind == EdgeKind::Contains);
                if seen.insert(edge.to) {
                    came_from.insert(edge.to, (edge, steps));
                    level.insert(edge.to);
                    next_frontier.push(edge.to);
                } else if level.contains(&edge.to) {
                    // Reached again on this level: the fewer containment
                    // steps win.
                    if let Some(known) = came_from.get_mut(&edge.to).filter(|k| steps < k.1) {
                        *known = (edge, steps);
                    }
                }
            }
        }
        if seen.contains(&to) {
            let mut path = Vec::new();
            let mut at = to;
            while at != from {
                let Some((step, _)) = came_from.get(&at) else {
                    break;
                };
                path.push(*step);
                at = step.from;
            }
            path.reverse();
            return Ok(Some(path));
        }
        if over_limit || next_frontier.is_empty() {
            break;
        }
        frontier = next_frontier;
    }
    Ok(None)
}
