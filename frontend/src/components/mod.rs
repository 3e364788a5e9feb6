//! Building blocks that pages compose.

pub mod feedback;
pub mod layout;
pub mod nav;
pub mod placeholder;
