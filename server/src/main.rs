//! `watchword-server`: the reference server of Watchword's open push
//! protocol. Not built yet: see the push-approval issue.

fn main() {
    eprintln!("watchword-server: not implemented yet");
    std::process::exit(2);
}
