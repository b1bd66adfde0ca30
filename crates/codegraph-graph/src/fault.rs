//! Fault injection for the crash-consistency tests: named checkpoints that
//! an index run passes (after each commit, inside resolution and search
//! sync), where a test can have the process killed outright or a write
//! fail as a full disk would.
//!
//! Off unless the environment asks; then one relaxed atomic add per
//! checkpoint. The variables:
//!
//! - `CODEGRAPH_TEST_CRASH_AT=N` — `SIGKILL` the process when it reaches
//!   its N-th checkpoint (1-based), as `kill -9` would: no destructors, no
//!   flushes beyond what was already written.
//! - `CODEGRAPH_TEST_FAIL_WRITE_AT=N` — the N-th checkpoint that is a
//!   write reports "No space left on device" instead of writing.
//! - `CODEGRAPH_TEST_TRACE=1` — print each checkpoint and write to
//!   stderr (`checkpoint N NAME`, `write N NAME`), so a test can pick
//!   crash points spread over a run.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

struct Plan {
    crash_at: Option<u64>,
    fail_write_at: Option<u64>,
    trace: bool,
}

fn plan() -> &'static Plan {
    static PLAN: OnceLock<Plan> = OnceLock::new();
    PLAN.get_or_init(|| {
        let number = |name: &str| std::env::var(name).ok().and_then(|v| v.parse().ok());
        Plan {
            crash_at: number("CODEGRAPH_TEST_CRASH_AT"),
            fail_write_at: number("CODEGRAPH_TEST_FAIL_WRITE_AT"),
            trace: std::env::var_os("CODEGRAPH_TEST_TRACE").is_some(),
        }
    })
}

static PASSED: AtomicU64 = AtomicU64::new(0);
static WRITES: AtomicU64 = AtomicU64::new(0);

/// Marks that the run reached `name`; may end the process here.
pub fn checkpoint(name: &str) {
    let plan = plan();
    if plan.crash_at.is_none() && !plan.trace {
        return;
    }
    let n = PASSED.fetch_add(1, Ordering::Relaxed) + 1;
    if plan.trace {
        eprintln!("checkpoint {n} {name}");
    }
    if plan.crash_at == Some(n) {
        kill_self();
    }
}

/// Called before the durable write `name`: `Err` when the test asked this
/// write to fail. The error reads as the operating system's for a full disk.
pub fn before_write(name: &str) -> std::io::Result<()> {
    let plan = plan();
    if plan.fail_write_at.is_none() && !plan.trace {
        return Ok(());
    }
    let n = WRITES.fetch_add(1, Ordering::Relaxed) + 1;
    if plan.trace {
        eprintln!("write {n} {name}");
    }
    if plan.fail_write_at == Some(n) {
        return Err(std::io::Error::from_raw_os_error(28)); // ENOSPC
    }
    Ok(())
}

/// Ends the process the way `kill -9` does.
fn kill_self() -> ! {
    let pid = std::process::id().to_string();
    let _ = std::process::Command::new("kill")
        .args(["-KILL", &pid])
        .status();
    // `kill` missing or refused: abort is the next closest (no unwinding,
    // no destructors).
    std::process::abort()
}
