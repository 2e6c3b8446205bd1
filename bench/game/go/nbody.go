// n-body (Computer Language Benchmarks Game), the Go reference for
// bench/game: the Jovian planets around the sun, N steps of 0.01 days,
// energy printed before and after to 9 decimals. Written like the fastest
// published Go programs: the bodies are a fixed array of structs, every
// loop bound is a constant and the pair loop reads each body through a
// pointer, so the compiler keeps the inner loop free of bounds checks and
// of copies. (Go's compiler does not vectorise, so a SIMD layout buys it
// nothing.)
//
// Build: go build -o nbody nbody.go
// Run:   ./nbody 50000000   (-0.169075164, then -0.169059907)
package main

import (
	"fmt"
	"math"
	"os"
	"strconv"
)

const (
	solarMass   = 4 * math.Pi * math.Pi
	daysPerYear = 365.24
	nBodies     = 5
)

type body struct {
	x, y, z, vx, vy, vz, mass float64
}

func planet(x, y, z, vx, vy, vz, mass float64) body {
	return body{x, y, z, vx * daysPerYear, vy * daysPerYear, vz * daysPerYear, mass * solarMass}
}

func initial() [nBodies]body {
	return [nBodies]body{
		{0, 0, 0, 0, 0, 0, solarMass},
		// Jupiter.
		planet(4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
			1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05, 9.54791938424326609e-04),
		// Saturn.
		planet(8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
			-2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05, 2.85885980666130812e-04),
		// Uranus.
		planet(1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
			2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05, 4.36624404335156298e-05),
		// Neptune.
		planet(1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
			2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05, 5.15138902046611451e-05),
	}
}

func offsetMomentum(bodies *[nBodies]body) {
	var px, py, pz float64
	for i := range bodies {
		b := &bodies[i]
		px += b.vx * b.mass
		py += b.vy * b.mass
		pz += b.vz * b.mass
	}
	bodies[0].vx = -px / solarMass
	bodies[0].vy = -py / solarMass
	bodies[0].vz = -pz / solarMass
}

func energy(bodies *[nBodies]body) float64 {
	e := 0.0
	for i := range bodies {
		b := &bodies[i]
		e += 0.5 * b.mass * (b.vx*b.vx + b.vy*b.vy + b.vz*b.vz)
		for j := i + 1; j < nBodies; j++ {
			o := &bodies[j]
			dx, dy, dz := b.x-o.x, b.y-o.y, b.z-o.z
			e -= b.mass * o.mass / math.Sqrt(dx*dx+dy*dy+dz*dz)
		}
	}
	return e
}

func advance(bodies *[nBodies]body, dt float64) {
	for i := 0; i < nBodies; i++ {
		b := &bodies[i]
		for j := i + 1; j < nBodies; j++ {
			o := &bodies[j]
			dx, dy, dz := b.x-o.x, b.y-o.y, b.z-o.z
			d2 := dx*dx + dy*dy + dz*dz
			mag := dt / (d2 * math.Sqrt(d2))
			mj := o.mass * mag
			b.vx -= dx * mj
			b.vy -= dy * mj
			b.vz -= dz * mj
			mi := b.mass * mag
			o.vx += dx * mi
			o.vy += dy * mi
			o.vz += dz * mi
		}
	}
	for i := range bodies {
		b := &bodies[i]
		b.x += dt * b.vx
		b.y += dt * b.vy
		b.z += dt * b.vz
	}
}

func main() {
	n := 50000000
	if len(os.Args) > 1 {
		var err error
		if n, err = strconv.Atoi(os.Args[1]); err != nil {
			panic(err)
		}
	}
	bodies := initial()
	offsetMomentum(&bodies)
	fmt.Printf("%.9f\n", energy(&bodies))
	for i := 0; i < n; i++ {
		advance(&bodies, 0.01)
	}
	fmt.Printf("%.9f\n", energy(&bodies))
}
