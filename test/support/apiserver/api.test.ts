// The fake apiserver's REST rules, through the unmodified client-node. The cases live in ./cases, one file per
// topic; they are gathered into two suites because each Jest test file pays for loading client-node (seconds here).
import './cases/crud.js';
import './cases/rules.js';
import './cases/watch-faults.js';
import './cases/optional-kinds.js';
