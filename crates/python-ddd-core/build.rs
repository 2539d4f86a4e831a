//! Release builds embed `templates/`; without this, adding or removing a template would not
//! trigger a rebuild (rust-embed only tracks the files it saw).
fn main() {
    println!("cargo:rerun-if-changed=../../templates");
}
