//! `ListCell`: a LIST's storage. The elements sit behind their own `Rc`, so `for each` keeps
//! the elements present when it started (docs/semantics.md) for the price of one count instead
//! of a copy of the list; a write while a walk holds them copies the elements once
//! (`Rc::make_mut`), and later writes are in place again.

use std::cell::{BorrowError, Ref, RefCell, RefMut};
use std::rc::Rc;

use super::Value;

#[derive(Default)]
pub struct ListCell(RefCell<Rc<Vec<Value>>>);

impl ListCell {
    pub fn new(items: Vec<Value>) -> ListCell {
        ListCell(RefCell::new(Rc::new(items)))
    }

    /// Reads the elements (panics on a conflicting write borrow, as `RefCell` does).
    #[inline]
    pub fn borrow(&self) -> Ref<'_, Vec<Value>> {
        Ref::map(self.0.borrow(), |items| &**items)
    }

    /// Writes the elements; copies them first when a `for each` still walks them.
    #[inline]
    pub fn borrow_mut(&self) -> RefMut<'_, Vec<Value>> {
        RefMut::map(self.0.borrow_mut(), Rc::make_mut)
    }

    #[inline]
    pub fn try_borrow(&self) -> Result<Ref<'_, Vec<Value>>, BorrowError> {
        self.0.try_borrow().map(|r| Ref::map(r, |items| &**items))
    }

    /// The elements as they are now, shared with the list until its next write.
    #[inline]
    pub fn snapshot(&self) -> Rc<Vec<Value>> {
        Rc::clone(&self.0.borrow())
    }
}

#[cfg(test)]
mod tests {
    use super::ListCell;
    use crate::Value;
    use std::rc::Rc;

    #[test]
    fn a_snapshot_survives_writes_and_writes_stay_in_place_without_one() {
        let l = ListCell::new(vec![Value::Int(1), Value::Int(2)]);
        let snap = l.snapshot();
        l.borrow_mut().push(Value::Int(3));
        assert_eq!(snap.len(), 2, "the walk still sees the elements it started with");
        assert_eq!(l.borrow().len(), 3);
        drop(snap);
        let before = l.borrow().as_ptr();
        l.borrow_mut()[0] = Value::Int(9);
        assert_eq!(l.borrow().as_ptr(), before, "no copy without a snapshot");
        assert!(Rc::strong_count(&l.snapshot()) >= 2);
    }
}
