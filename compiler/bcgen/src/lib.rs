//! IR to bytecode.
