// Server-side apply ownership and the built-in controllers of the fake apiserver (cases in ./cases).
import './cases/ssa.js';
import './cases/controllers.js';
