// Package ir is annc's typed model: Build resolves every name of a parsed
// model file, checks localities and types, synthesises the neuron types of
// input populations and the default synapses, and rewrites every
// differential equation with its numerical method, so that codegen only
// ever sees assignments. Print renders the result canonically.
//
// Decisions where ANNarchy leaves room (README, "The model file"):
//
//   - An ODE line may be written in any form linear in its single dx/dt; it
//     is solved symbolically (dx/dt = N/c), with a divisor of the right-hand
//     side that does not involve x moved into c.
//   - Consecutive ODEs form a block: all updates are computed from the
//     values at the start of the step, then assigned, then clamped by
//     min/max (clip/max/min assignments). Variables of a block sharing
//     midpoint, rk4 or implicit are integrated as one coupled system.
//   - exponential: x + (1 - exp(-dt*k/c)) * (N/k), k = -dN/dx. Terms where x
//     appears only inside a function call or conditional are taken at the
//     old value (as ANNarchy does); a polynomial non-linearity (x^2, x*y with
//     y = x, division by x) is an error.
//   - semiimplicit: x + dt*N/(c - dt*dN/dx) with the same freezing; a
//     non-linear equation falls back to explicit with a warning.
//   - implicit: backward Euler on the coupled group; the equations must be
//     linear in the group's variables; (I - dt*J) Δ = dt*f is solved by
//     Gaussian elimination written out as assignments to temporaries.
//   - midpoint and rk4 stages do not shift t (ANNarchy's choice).
//   - Temporaries (Temp) are named _k1_v, _v_new, _impN_..., unique within
//     an update list.
//   - Refractoriness: assignments of conductances, of variables flagged
//     unless_refractory, and of every temporary they read are marked
//     UnlessRefractory.
//   - A conductance g_x of a spiking neuron without an equation of its own
//     is auto-declared, flagged ZeroAfterStep, and its reset to 0 is the
//     last assignment of LocalUpdate.
//   - Spiking neurons may also read sum(target): rate-coded (psp)
//     projections from any population fill weighted sums, so continuous
//     couplings such as a gating variable driven by pre.V are allowed. A
//     spiking synapse (pre_spike) needs a spiking pre- and postsynaptic
//     population with the conductance g_<target>.
//   - Poisson populations follow ANNarchy's PoissonPopulation: rates (Hz,
//     a local parameter, or a local variable for an equation of t),
//     p = Uniform(0, 1) * 1000 / dt, spike when p < rates.
//   - Every ms -> steps conversion rounds to the nearest step (Steps);
//     refractory periods and delays stay in ms for codegen to convert.
//   - Global operations in synapses (mean(post.r)) are registered on the
//     pre/post population's neuron type, by the name in GlobalOp.Name.
package ir
