// n-body (Computer Language Benchmarks Game), the Rust reference for
// bench/game: the Jovian planets around the sun, N steps of 0.01 days,
// energy printed before and after. Written to be as fast as we can make it
// with std only, in the manner of the fastest published Rust program:
//
// - a SIMD-friendly layout: positions and velocities are [f64; 4] vectors
//   (x, y, z and a zero pad), so each vector operation is one 256-bit AVX
//   instruction with -C target-cpu=native;
// - each step first computes the ten pair differences into an array, then
//   the ten distance factors dt / (d² · √d²) in one loop the compiler turns
//   into packed square roots and divisions, then applies them.
//
// Square roots and divisions are exact IEEE operations (no reciprocal
// square-root estimate), so the results are the task's to the last digit.
//
// Build: rustc -C opt-level=3 -C target-cpu=native nbody.rs
// Run:   ./nbody 50000000   (-0.169075164, then -0.169059907)

use std::f64::consts::PI;

const SOLAR_MASS: f64 = 4.0 * PI * PI;
const DAYS_PER_YEAR: f64 = 365.24;
const N_BODIES: usize = 5;
const N_PAIRS: usize = N_BODIES * (N_BODIES - 1) / 2;

/// x, y, z and a pad lane that stays zero.
#[derive(Clone, Copy, Default)]
#[repr(C, align(32))]
struct V([f64; 4]);

impl V {
    #[inline(always)]
    fn sub(self, o: V) -> V {
        V([self.0[0] - o.0[0], self.0[1] - o.0[1], self.0[2] - o.0[2], self.0[3] - o.0[3]])
    }
    #[inline(always)]
    fn add(self, o: V) -> V {
        V([self.0[0] + o.0[0], self.0[1] + o.0[1], self.0[2] + o.0[2], self.0[3] + o.0[3]])
    }
    #[inline(always)]
    fn scale(self, k: f64) -> V {
        V([self.0[0] * k, self.0[1] * k, self.0[2] * k, self.0[3] * k])
    }
    #[inline(always)]
    fn norm2(self) -> f64 {
        self.0[0] * self.0[0] + self.0[1] * self.0[1] + self.0[2] * self.0[2]
    }
}

struct System {
    pos: [V; N_BODIES],
    vel: [V; N_BODIES],
    mass: [f64; N_BODIES],
}

fn system() -> System {
    let planets: [([f64; 3], [f64; 3], f64); N_BODIES] = [
        ([0.0, 0.0, 0.0], [0.0, 0.0, 0.0], 1.0),
        // Jupiter, Saturn, Uranus, Neptune: velocities in AU per day, masses
        // in solar masses, as the task gives them.
        (
            [4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01],
            [1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05],
            9.54791938424326609e-04,
        ),
        (
            [8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01],
            [-2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05],
            2.85885980666130812e-04,
        ),
        (
            [1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01],
            [2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05],
            4.36624404335156298e-05,
        ),
        (
            [1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01],
            [2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05],
            5.15138902046611451e-05,
        ),
    ];
    let mut s = System { pos: [V::default(); N_BODIES], vel: [V::default(); N_BODIES], mass: [0.0; N_BODIES] };
    for (i, (p, v, m)) in planets.iter().enumerate() {
        s.pos[i] = V([p[0], p[1], p[2], 0.0]);
        s.vel[i] = if i == 0 { V::default() } else { V([v[0] * DAYS_PER_YEAR, v[1] * DAYS_PER_YEAR, v[2] * DAYS_PER_YEAR, 0.0]) };
        s.mass[i] = if i == 0 { SOLAR_MASS } else { m * SOLAR_MASS };
    }
    s
}

fn offset_momentum(s: &mut System) {
    let mut p = [0.0; 3];
    for i in 0..N_BODIES {
        for k in 0..3 {
            p[k] += s.vel[i].0[k] * s.mass[i];
        }
    }
    for k in 0..3 {
        s.vel[0].0[k] = -p[k] / SOLAR_MASS;
    }
}

fn energy(s: &System) -> f64 {
    let mut e = 0.0;
    for i in 0..N_BODIES {
        e += 0.5 * s.mass[i] * s.vel[i].norm2();
        for j in i + 1..N_BODIES {
            e -= s.mass[i] * s.mass[j] / s.pos[i].sub(s.pos[j]).norm2().sqrt();
        }
    }
    e
}

#[inline(always)]
fn advance(s: &mut System, dt: f64) {
    let mut d = [V::default(); N_PAIRS];
    let mut k = 0;
    for i in 0..N_BODIES {
        for j in i + 1..N_BODIES {
            d[k] = s.pos[i].sub(s.pos[j]);
            k += 1;
        }
    }
    // Ten independent square roots and divisions: packed by the compiler.
    let mut d2 = [0.0; N_PAIRS];
    for k in 0..N_PAIRS {
        d2[k] = d[k].norm2();
    }
    let mut mag = [0.0; N_PAIRS];
    for k in 0..N_PAIRS {
        mag[k] = dt / (d2[k] * d2[k].sqrt());
    }
    let mut k = 0;
    for i in 0..N_BODIES {
        for j in i + 1..N_BODIES {
            let mj = s.mass[j] * mag[k];
            let mi = s.mass[i] * mag[k];
            s.vel[i] = s.vel[i].sub(d[k].scale(mj));
            s.vel[j] = s.vel[j].add(d[k].scale(mi));
            k += 1;
        }
    }
    for i in 0..N_BODIES {
        s.pos[i] = s.pos[i].add(s.vel[i].scale(dt));
    }
}

fn main() {
    let n: usize = std::env::args().nth(1).map_or(50_000_000, |a| a.parse().expect("N must be a number"));
    let mut s = system();
    offset_momentum(&mut s);
    println!("{:.9}", energy(&s));
    for _ in 0..n {
        advance(&mut s, 0.01);
    }
    println!("{:.9}", energy(&s));
}
