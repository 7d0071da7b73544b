//! Times parsing and indexing of the shared SDN snapshot (a quick look; the bench measures).
#![allow(missing_docs)]
fn main() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../../shared/data/ofac-sdn-watchman-2021");
    let read = |n: &str| std::fs::read(dir.join(n)).expect("read");
    let (sdn, add, alt) = (read("sdn.csv"), read("add.csv"), read("alt.csv"));
    let t = std::time::Instant::now();
    let list = workbench_screening::lists::parse_sdn(&workbench_screening::lists::SdnFiles {
        sdn: &sdn,
        add: Some(&add),
        alt: Some(&alt),
        comments: None,
    })
    .expect("parse");
    println!("parse {:?}", t.elapsed());
    let t = std::time::Instant::now();
    for e in &list.entries {
        for n in &e.names {
            std::hint::black_box(workbench_screening::normalize::normalize(&n.text));
        }
    }
    println!("normalize all names {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let idx = workbench_screening::ListIndex::build(list);
    println!("index {:?} ({} names)", t.elapsed(), idx.name_count());
    let t = std::time::Instant::now();
    for _ in 0..1000 {
        std::hint::black_box(
            idx.check(
                &workbench_screening::Query { name: "Mohammed Ali Hassan", ..Default::default() },
                0.85,
            ),
        );
    }
    println!("check x1000 {:?}", t.elapsed());
}
