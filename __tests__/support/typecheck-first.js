/**
 * Jest's own order (slowest or largest files first), with the type check
 * at the head: tsc then runs beside the other files from the start, instead
 * of before them all or last, alone. Plain JavaScript: jest loads it as is.
 */
const Sequencer = require("@jest/test-sequencer").default;

const isTypecheck = (test) => test.path.endsWith("typecheck.test.ts");

module.exports = class TypecheckFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    return [...sorted.filter(isTypecheck), ...sorted.filter((test) => !isTypecheck(test))];
  }
};
