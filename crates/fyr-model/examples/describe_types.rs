//! Prints fyr's `describeTypes` body as JSON on standard output, for
//! `scripts/check_describe_types.py` (which compares it with PyMISP's copy).

fn main() {
    println!("{:#}", fyr_model::types::describe_types());
}
