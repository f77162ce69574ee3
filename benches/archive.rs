//! Hashing and verify throughput in process, without the disk:
//!
//!     cargo bench --bench archive
//!
//! SHA-256 and CRC-32 on one core over 256 MiB, then `verify_source` of an in-memory
//! archive of 64 × 4 MiB entries on every core. `bench/archive.sh` measures the whole
//! commands on ~500 MB next to sha256sum and bagit-python.

use std::time::Instant;

use gongkai::archive::container::ZipWriter;
use gongkai::archive::verify::verify_source;
use sha2::{Digest, Sha256};

fn best_of<F: FnMut()>(runs: usize, mut f: F) -> f64 {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let mut data = vec![0u8; 256 << 20];
    let mut next = gongkai::test_hooks::xorshift(0x9e37_79b9_7f4a_7c15);
    for chunk in data.chunks_mut(8) {
        chunk.copy_from_slice(&next().to_le_bytes()[..chunk.len()]);
    }
    let mb = data.len() as f64 / 1e6;
    let t = best_of(5, || {
        std::hint::black_box(Sha256::digest(&data));
    });
    println!("sha2 SHA-256, one core     {:7.0} MB/s", mb / t);
    let t = best_of(5, || {
        std::hint::black_box(crc32fast::hash(&data));
    });
    println!("crc32fast CRC-32, one core {:7.0} MB/s", mb / t);

    // An archive as a seal writes it, verified from memory on all cores.
    let mut w = ZipWriter::new(Vec::new());
    let bag = "gongkai-2020";
    let mut manifest = String::new();
    let mut names = Vec::new();
    for i in 0..64 {
        names.push(format!("data/originals/{i:03}.pdf"));
    }
    for (i, n) in names.iter().enumerate() {
        let part = &data[i * (4 << 20)..(i + 1) * (4 << 20)];
        manifest.push_str(&format!(
            "{}  {n}\n",
            gongkai::input::hex(&Sha256::digest(part))
        ));
    }
    let _ = manifest;
    w.add_bytes(&format!("{bag}/bagit.txt"), b"x").unwrap();
    for (i, n) in names.iter().enumerate() {
        w.add_bytes(
            &format!("{bag}/{n}"),
            &data[i * (4 << 20)..(i + 1) * (4 << 20)],
        )
        .unwrap();
    }
    let zip = w.finish().unwrap();
    let threads = rayon::current_num_threads();
    let t = best_of(5, || {
        let src: &[u8] = &zip;
        std::hint::black_box(verify_source(&src, "bench").unwrap());
    });
    println!(
        "verify_source, {threads} threads   {:7.0} MB/s ({:.0} MB/s per thread)",
        zip.len() as f64 / 1e6 / t,
        zip.len() as f64 / 1e6 / t / threads as f64
    );
}
