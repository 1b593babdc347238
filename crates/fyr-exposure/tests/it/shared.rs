//! Swapping matchers while other threads look up.

use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};

use fyr_exposure::{AssetSnapshot, Matcher, OrgAssets, OrgId, SharedMatcher};

fn snapshot(org: u64) -> AssetSnapshot {
    let mut o = OrgAssets::new(OrgId(org));
    o.cidrs = vec!["192.0.2.0/24".parse().unwrap()];
    AssetSnapshot { orgs: vec![o], ignore: Vec::new() }
}

#[test]
fn readers_see_one_whole_snapshot_or_the_next() {
    let shared = SharedMatcher::new(Matcher::build(&snapshot(0)).unwrap());
    let addr: IpAddr = "192.0.2.1".parse().unwrap();
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        let readers: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    let mut last = 0;
                    let mut lookups = 0u32;
                    // Bounded: stops when the writer is done or after 2 M.
                    while !done.load(Ordering::Acquire) && lookups < 2_000_000 {
                        let m = shared.load();
                        let orgs = m.lookup_ip(addr);
                        assert_eq!(orgs.len(), 1);
                        // Snapshots are published in order.
                        assert!(orgs[0].0 >= last, "went back from {last} to {}", orgs[0].0);
                        last = orgs[0].0;
                        lookups += 1;
                    }
                    last
                })
            })
            .collect();
        for org in 1..=100 {
            shared.rebuild(&snapshot(org)).unwrap();
        }
        done.store(true, Ordering::Release);
        for r in readers {
            assert!(r.join().unwrap() <= 100);
        }
    });
    assert_eq!(shared.load().lookup_ip(addr), [OrgId(100)]);
    let old = shared.replace(Matcher::build(&snapshot(7)).unwrap());
    assert_eq!(old.lookup_ip(addr), [OrgId(100)]);
    assert_eq!(shared.load_full().lookup_ip(addr), [OrgId(7)]);
}
