//! Building blocks that pages compose.

pub mod badges;
pub mod confirm;
pub mod feedback;
pub mod flash;
pub mod form;
pub mod layout;
pub mod nav;
pub mod owners;
pub mod pagination;
pub mod progress;
pub mod run_state;
pub mod sort;
