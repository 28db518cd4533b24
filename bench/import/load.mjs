// Imports the module named in argv[2] (or nothing, for bare node) and prints the CPU time the
// import itself took in this process, in milliseconds.
const name = process.argv[2];
const before = process.cpuUsage();
if (name !== 'node') await import(name);
const used = process.cpuUsage(before);
console.log(((used.user + used.system) / 1000).toFixed(1));
