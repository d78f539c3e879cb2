//! The GDB JIT interface: GDB (and LLDB) set a breakpoint on
//! `__jit_debug_register_code` and, when it is hit, read the list hanging
//! off `__jit_debug_descriptor` to find in-memory symbol files. Each loaded
//! image gets one entry whose symbol file ([`super::symfile`]) names its
//! functions at their real addresses, so `break kernel` and `bt` work in
//! JIT code. The protocol is specified in GDB's manual ("JIT Compilation
//! Interface"); the names and layout below are fixed by it.

use std::ptr;
use std::sync::Mutex;

const JIT_NOACTION: u32 = 0;
const JIT_REGISTER_FN: u32 = 1;
const JIT_UNREGISTER_FN: u32 = 2;

#[repr(C)]
#[derive(Debug)]
struct JitCodeEntry {
    next: *mut JitCodeEntry,
    prev: *mut JitCodeEntry,
    symfile_addr: *const u8,
    symfile_size: u64,
}

#[repr(C)]
#[derive(Debug)]
pub struct JitDescriptor {
    version: u32,
    action_flag: u32,
    relevant_entry: *mut JitCodeEntry,
    first_entry: *mut JitCodeEntry,
}

/// The list GDB reads. Only touched while `LIST_LOCK` is held.
#[no_mangle]
pub static mut __jit_debug_descriptor: JitDescriptor = JitDescriptor {
    version: 1,
    action_flag: JIT_NOACTION,
    relevant_entry: ptr::null_mut(),
    first_entry: ptr::null_mut(),
};

/// GDB's breakpoint. It is empty on purpose: a function that touches
/// memory or calls anything gets a TOC prologue on ppc64le, i.e. a second
/// (local) entry point that calls from this crate would use, while GDB
/// puts its breakpoint on the symbol's address (the global entry) and
/// would never stop. Calls go through `notify_debugger`.
#[no_mangle]
#[inline(never)]
pub extern "C" fn __jit_debug_register_code() {}

/// Calls [`__jit_debug_register_code`] through a pointer the optimiser
/// cannot see through: a direct call to an empty function is deleted.
fn notify_debugger() {
    let f: extern "C" fn() = __jit_debug_register_code;
    // SAFETY: a read of a local variable, valid and initialised.
    let f = unsafe { ptr::read_volatile(&f) };
    f();
}

/// Serialises every change of the list (GDB reads it while the process is
/// stopped in `__jit_debug_register_code`, with the lock held).
static LIST_LOCK: Mutex<()> = Mutex::new(());

/// One image's entry in GDB's list; unregistered on drop.
#[derive(Debug)]
pub struct GdbRegistration {
    entry: *mut JitCodeEntry,
    /// Owns the bytes `entry.symfile_addr` points at.
    _symfile: Box<[u8]>,
}

// SAFETY: the entry is owned by this value and only read or written with
// LIST_LOCK held; the symbol file is immutable.
unsafe impl Send for GdbRegistration {}
// SAFETY: as above: `&GdbRegistration` gives no access to anything.
unsafe impl Sync for GdbRegistration {}

/// Adds `symfile` to GDB's list and tells an attached GDB.
pub fn register(symfile: Vec<u8>) -> GdbRegistration {
    let symfile = symfile.into_boxed_slice();
    let entry = Box::into_raw(Box::new(JitCodeEntry {
        next: ptr::null_mut(),
        prev: ptr::null_mut(),
        symfile_addr: symfile.as_ptr(),
        symfile_size: symfile.len() as u64,
    }));
    let _guard = LIST_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    // SAFETY: LIST_LOCK is held, so this thread alone touches the
    // descriptor and the entries; `entry` is a fresh allocation and every
    // entry in the list is alive until its registration is dropped.
    unsafe {
        let d = ptr::addr_of_mut!(__jit_debug_descriptor);
        (*entry).next = (*d).first_entry;
        if !(*d).first_entry.is_null() {
            (*(*d).first_entry).prev = entry;
        }
        (*d).first_entry = entry;
        (*d).relevant_entry = entry;
        (*d).action_flag = JIT_REGISTER_FN;
        notify_debugger();
        (*d).action_flag = JIT_NOACTION;
    }
    GdbRegistration {
        entry,
        _symfile: symfile,
    }
}

impl Drop for GdbRegistration {
    fn drop(&mut self) {
        let _guard = LIST_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        // SAFETY: LIST_LOCK is held; `self.entry` is in the list (it was
        // linked in by `register` and is unlinked only here), and so are
        // its neighbours.
        unsafe {
            let d = ptr::addr_of_mut!(__jit_debug_descriptor);
            let e = self.entry;
            if (*e).prev.is_null() {
                (*d).first_entry = (*e).next;
            } else {
                (*(*e).prev).next = (*e).next;
            }
            if !(*e).next.is_null() {
                (*(*e).next).prev = (*e).prev;
            }
            (*d).relevant_entry = e;
            (*d).action_flag = JIT_UNREGISTER_FN;
            notify_debugger();
            (*d).action_flag = JIT_NOACTION;
            (*d).relevant_entry = ptr::null_mut();
            drop(Box::from_raw(e));
        }
    }
}

/// How many images are in GDB's list now (for tests).
pub fn registered_count() -> usize {
    let _guard = LIST_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let mut n = 0;
    // SAFETY: LIST_LOCK is held; every entry in the list is alive.
    unsafe {
        let mut e = (*ptr::addr_of!(__jit_debug_descriptor)).first_entry;
        while !e.is_null() {
            n += 1;
            e = (*e).next;
        }
    }
    n
}
