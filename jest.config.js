// Tests run on the compiled JavaScript in lib/ (`npm test` compiles first), so the large generated
// imports are type-checked once by tsc instead of once per jest worker.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/lib/test'],
  testMatch: ['**/*.test.js'],
};
