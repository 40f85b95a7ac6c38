// Entry point: hand the command line to `patchform::run` and exit with the code it returns.
fn main() {
    std::process::exit(patchform::run::main());
}
