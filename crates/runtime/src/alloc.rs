//! Live-heap accounting for the memory budget (`Limits::max_memory_bytes`).
//!
//! The runtime cannot see how much memory a script's values hold without paying for it on every
//! value. Instead the process counts: install [`Counting`] as the global allocator and every
//! allocation and free adjusts a per-thread counter (one add on a thread-local cell). The
//! interpreter reads it through [`live_bytes`] (the default [`crate::Interpreter::memory_probe`])
//! every few hundred statements and after every builtin that builds a value, so a script that
//! grows past its budget stops with a `limit` error instead of being killed by the OS.
//!
//! ```ignore
//! #[global_allocator]
//! static GLOBAL: dg_runtime::alloc::Counting<std::alloc::System> =
//!     dg_runtime::alloc::Counting(std::alloc::System);
//! ```
//!
//! Without it [`live_bytes`] stays 0 and only the per-value limits (text size, collection
//! length) apply. The count is per thread: a run's values live on the thread that runs it
//! (`Value` is not `Send`), so that thread's count is the run's memory.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;

thread_local! {
    /// Bytes allocated minus bytes freed on this thread (can go negative when a thread frees
    /// what another allocated).
    static LIVE: Cell<isize> = const { Cell::new(0) };
}

#[inline(always)]
fn adjust(delta: isize) {
    // `try_with` never fails for a const-initialised cell without a destructor; ignore the
    // impossible case rather than panic inside the allocator.
    let _ = LIVE.try_with(|c| c.set(c.get().wrapping_add(delta)));
}

/// Bytes allocated and not yet freed by the current thread, as counted by [`Counting`]
/// (0 when it is not the global allocator).
pub fn live_bytes() -> usize {
    LIVE.try_with(|c| c.get().max(0) as usize).unwrap_or(0)
}

/// A global allocator wrapper that counts live bytes per thread (see the module docs).
pub struct Counting<A>(pub A);

// SAFETY: every method forwards to the wrapped allocator with the same arguments and only
// updates a thread-local counter; the wrapped allocator's guarantees carry over unchanged.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Counting<A> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { self.0.alloc(layout) };
        if !p.is_null() {
            adjust(layout.size() as isize);
        }
        p
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { self.0.alloc_zeroed(layout) };
        if !p.is_null() {
            adjust(layout.size() as isize);
        }
        p
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { self.0.dealloc(ptr, layout) };
        adjust(-(layout.size() as isize));
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { self.0.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            adjust((new_size as isize).wrapping_sub(layout.size() as isize));
        }
        p
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_live_bytes_on_this_thread() {
        let before = super::live_bytes();
        let big = vec![0u8; 8 << 20];
        let during = super::live_bytes();
        // The thread may have freed a few bytes another thread allocated (the count is then
        // slightly negative and reads as 0): allow for that.
        assert!(during + 4096 >= before + (8 << 20), "{before} → {during}");
        drop(big);
        assert!(super::live_bytes() < during - (4 << 20));
    }
}
