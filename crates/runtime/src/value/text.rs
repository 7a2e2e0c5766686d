//! `Text`: a Deluge TEXT value — one reference-counted allocation holding the count, the
//! length, the capacity and the UTF-8 bytes, one pointer wide.
//!
//! `Rc<String>` took two allocations per text (the counted box, then the bytes) and two
//! pointer hops to reach the bytes; map keys are texts, so every probe of a large map paid a
//! cache miss for the second hop. Here the bytes follow the header, a short key costs one
//! 24-byte block instead of 48 + 16, and a unique text grows in place (`x = x + …`) as a
//! `String` would; a shared one is copied first (clone-on-write, as `Rc::make_mut`).

use std::alloc::{self, Layout};
use std::cell::Cell;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::ptr::{self, NonNull};

/// 12 bytes: with 32-bit fields a text of up to 12 bytes (most map keys and field values)
/// fits mimalloc's 24-byte size class instead of 32. The run's text limit (64 MB by default,
/// 1 GB with `--no-limits`, never above [`Text::MAX_LEN`]) stops a script long before that.
#[repr(C)]
struct Header {
    count: Cell<u32>,
    len: Cell<u32>,
    cap: u32,
}

const HEADER: usize = std::mem::size_of::<Header>();

pub struct Text {
    ptr: NonNull<Header>,
}

fn layout(cap: usize) -> Layout {
    if cap > Text::MAX_LEN {
        capacity_overflow()
    }
    match Layout::from_size_align(HEADER + cap, std::mem::align_of::<Header>()).ok() {
        Some(l) => l,
        None => capacity_overflow(),
    }
}

#[cold]
fn capacity_overflow() -> ! {
    panic!("text capacity overflow")
}

impl Text {
    /// The longest text a header can record (4 GB − 1); `Limits::max_text_bytes` is clamped
    /// to it, so a run stops with a limit error before a text could grow past it.
    pub const MAX_LEN: usize = u32::MAX as usize;

    /// An empty text with room for `cap` bytes.
    pub fn with_capacity(cap: usize) -> Text {
        let layout = layout(cap);
        // SAFETY: the layout has a non-zero size (the header).
        let raw = unsafe { alloc::alloc(layout) } as *mut Header;
        let Some(ptr) = NonNull::new(raw) else { alloc::handle_alloc_error(layout) };
        // SAFETY: `ptr` is a fresh allocation big enough for the header.
        unsafe {
            ptr.as_ptr().write(Header { count: Cell::new(1), len: Cell::new(0), cap: cap as u32 });
        }
        Text { ptr }
    }

    pub fn new(s: &str) -> Text {
        let mut t = Text::with_capacity(s.len());
        // SAFETY: capacity is `s.len()`, the text is empty and unique.
        unsafe { t.append_unchecked(s.as_bytes()) };
        t
    }

    #[inline(always)]
    fn header(&self) -> &Header {
        // SAFETY: `ptr` points at a live header for as long as `self` holds a count.
        unsafe { self.ptr.as_ref() }
    }

    #[inline(always)]
    fn bytes_ptr(&self) -> *mut u8 {
        // SAFETY: the bytes start right after the header, inside the same allocation.
        unsafe { (self.ptr.as_ptr() as *mut u8).add(HEADER) }
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.header().len.get() as usize
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn capacity(&self) -> usize {
        self.header().cap as usize
    }

    #[inline]
    pub fn as_str(&self) -> &str {
        // SAFETY: the first `len` bytes are initialised UTF-8 (only `&str` data and
        // whole-character truncations are ever written).
        unsafe {
            std::str::from_utf8_unchecked(std::slice::from_raw_parts(self.bytes_ptr(), self.len()))
        }
    }

    /// Both refer to the same allocation.
    #[inline]
    pub fn ptr_eq(a: &Text, b: &Text) -> bool {
        a.ptr == b.ptr
    }

    #[inline]
    fn is_unique(&self) -> bool {
        self.header().count.get() == 1
    }

    /// Appends `s`, in place when this text is the only reference and has room; else it
    /// grows (doubling) or, when shared, first becomes a copy of its own.
    #[inline]
    pub fn push_str(&mut self, s: &str) {
        self.make_room(s.len());
        // SAFETY: `make_room` left the text unique with room for `s`, which is UTF-8.
        unsafe { self.append_unchecked(s.as_bytes()) };
    }

    /// Appends one ASCII byte (JSON punctuation), as [`Text::push_str`].
    #[inline]
    pub fn push_ascii(&mut self, b: u8) {
        assert!(b.is_ascii(), "push_ascii takes ASCII");
        self.make_room(1);
        // SAFETY: unique with room for one byte; an ASCII byte is a whole character.
        unsafe { self.append_unchecked(&[b]) };
    }

    /// Makes this text unique with room for `extra` more bytes.
    #[inline(always)]
    fn make_room(&mut self, extra: usize) {
        let h = self.header();
        if h.count.get() != 1 || ((h.cap - h.len.get()) as usize) < extra {
            self.grow(extra);
        }
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self, extra: usize) {
        let needed = match self.len().checked_add(extra) {
            Some(n) => n,
            None => capacity_overflow(),
        };
        let cap = if self.is_unique() {
            needed.max(self.capacity().saturating_mul(2).min(Text::MAX_LEN))
        } else {
            needed
        };
        self.reserve_exact_unique(cap);
    }

    /// Shortens to `len` bytes (a character boundary); copies first when shared.
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len() {
            return;
        }
        assert!(self.as_str().is_char_boundary(len), "truncate inside a character");
        if !self.is_unique() {
            self.reserve_exact_unique(self.len());
        }
        self.header().len.set(len as u32);
    }

    /// Makes this text unique with capacity `cap` (≥ its length).
    fn reserve_exact_unique(&mut self, cap: usize) {
        let len = self.len();
        debug_assert!(cap >= len);
        if self.is_unique() {
            let old = layout(self.capacity());
            let new = layout(cap);
            // SAFETY: unique owner; `old` is the layout it was allocated with; sizes non-zero.
            let raw = unsafe { alloc::realloc(self.ptr.as_ptr() as *mut u8, old, new.size()) };
            let Some(ptr) = NonNull::new(raw as *mut Header) else {
                alloc::handle_alloc_error(new)
            };
            self.ptr = ptr;
            // SAFETY: the header moved with the block; only its capacity changes.
            unsafe { (*ptr.as_ptr()).cap = cap as u32 };
            return;
        }
        let mut copy = Text::with_capacity(cap);
        // SAFETY: `copy` is unique with capacity ≥ len.
        unsafe { copy.append_unchecked(self.as_str().as_bytes()) };
        *self = copy;
    }

    /// # Safety
    /// `self` must be unique and have room for `bytes`, which must continue valid UTF-8.
    #[inline]
    unsafe fn append_unchecked(&mut self, bytes: &[u8]) {
        let len = self.len();
        ptr::copy_nonoverlapping(bytes.as_ptr(), self.bytes_ptr().add(len), bytes.len());
        self.header().len.set((len + bytes.len()) as u32);
    }
}

impl Clone for Text {
    #[inline]
    fn clone(&self) -> Text {
        let count = &self.header().count;
        let n = count.get().wrapping_add(1);
        if n == 0 {
            std::process::abort();
        }
        count.set(n);
        Text { ptr: self.ptr }
    }
}

impl Drop for Text {
    #[inline]
    fn drop(&mut self) {
        let count = &self.header().count;
        let n = count.get() - 1;
        count.set(n);
        if n == 0 {
            let layout = layout(self.capacity());
            // SAFETY: the last reference; allocated with this layout.
            unsafe { alloc::dealloc(self.ptr.as_ptr() as *mut u8, layout) };
        }
    }
}

impl Deref for Text {
    type Target = str;
    #[inline]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl Default for Text {
    fn default() -> Text {
        Text::with_capacity(0)
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text::new(s)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text::new(&s)
    }
}

impl PartialEq for Text {
    #[inline]
    fn eq(&self, other: &Text) -> bool {
        Text::ptr_eq(self, other) || bytes_eq(self.as_bytes(), other.as_bytes())
    }
}

/// Byte equality with the short case inline: map keys are mostly under 16 bytes, where a call
/// to `memcmp` (what slice equality becomes) costs more than the comparison.
#[inline]
fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n > 16 {
        return a == b;
    }
    if n >= 8 {
        // Two overlapping 8-byte words cover every length from 8 to 16.
        return word8(a, 0) == word8(b, 0) && word8(a, n - 8) == word8(b, n - 8);
    }
    if n >= 4 {
        return word4(a, 0) == word4(b, 0) && word4(a, n - 4) == word4(b, n - 4);
    }
    a == b
}

#[inline(always)]
fn word8(s: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&s[at..at + 8]);
    u64::from_ne_bytes(w)
}

#[inline(always)]
fn word4(s: &[u8], at: usize) -> u32 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&s[at..at + 4]);
    u32::from_ne_bytes(w)
}

impl Eq for Text {}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Text) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Text) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Text;

    #[test]
    fn grows_in_place_when_unique_and_copies_when_shared() {
        let mut a = Text::new("ab");
        a.push_str("cd");
        assert_eq!(a.as_str(), "abcd");
        let b = a.clone();
        a.push_str("é");
        assert_eq!(a.as_str(), "abcdé");
        assert_eq!(b.as_str(), "abcd", "the shared copy is untouched");
        let mut c = b.clone();
        c.truncate(1);
        assert_eq!((b.as_str(), c.as_str()), ("abcd", "a"));
        let mut big = Text::default();
        for i in 0..1000 {
            big.push_str(&i.to_string());
        }
        assert_eq!(big.len(), (0..1000).map(|i: i32| i.to_string().len()).sum::<usize>());
        assert!(big.capacity() >= big.len());
        assert_eq!(Text::new(""), Text::default());
        // Equality at every length around the inline cases, differing at each position.
        for n in 0..40usize {
            let a: String = (0..n).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
            assert_eq!(Text::new(&a), Text::new(&a));
            for at in 0..n {
                let mut b = a.clone().into_bytes();
                b[at] = b'Z';
                let b = String::from_utf8(b).expect("ascii");
                assert_ne!(Text::new(&a), Text::new(&b), "length {n}, differing at {at}");
            }
            assert_ne!(Text::new(&a), Text::new(&format!("{a}x")));
        }
        assert!(Text::new("k1") < Text::new("k2"));
    }
}
