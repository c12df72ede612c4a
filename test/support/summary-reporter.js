'use strict';
// Prints one plain closing line, `Tests: N passed, N failed, N skipped`, after jest's own summary, so tools
// that read a run's last line know what ran.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests, numRuntimeErrorTestSuites } = results;
    const failed = numFailedTests + numRuntimeErrorTestSuites;
    const line = `Tests: ${numPassedTests} passed, ${failed} failed, ${numPendingTests + numTodoTests} skipped\n`;
    // jest prints "Ran all test suites." after every reporter; the exit hook comes after that.
    process.once('exit', () => process.stderr.write(line));
  }
}
module.exports = SummaryReporter;
