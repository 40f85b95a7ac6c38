// Evaluates or compiles JSONata expressions with jsonata@2.0.6 (the version Step Functions runs),
// one JSON request per stdin line, one JSON answer per stdout line.
//
// Request:  {"op": "eval", "expr": "...", "now": <epoch ms>, "bindings": {"name": value, ...}}
//           or {"op": "compile", "expr": "..."}
// Answer:   {"ok": true, "undefined": false, "value": ...} | {"ok": true} (compile)
//           {"ok": false, "code": "S0202", "position": 12, "message": "..."}
//
// `now` is the harness's virtual clock: jsonata reads the time for $now() and $millis() from
// `new Date()` once per evaluate() (jsonata.js 2.0.6, "timestamp = new Date()"), so a Date whose
// argument-less constructor returns the virtual time makes both functions follow that clock.
'use strict';

const readline = require('readline');

const RealDate = Date;
let virtualNow = null;
class VirtualDate extends RealDate {
  constructor(...args) {
    if (args.length === 0 && virtualNow !== null) {
      super(virtualNow);
    } else {
      super(...args);
    }
  }
  static now() {
    return virtualNow !== null ? virtualNow : RealDate.now();
  }
}
globalThis.Date = VirtualDate;

const jsonata = require('jsonata');

function failure(error) {
  return {
    ok: false,
    code: error && error.code ? String(error.code) : 'UNKNOWN',
    position: error && typeof error.position === 'number' ? error.position : null,
    message: error && error.message ? String(error.message) : String(error),
  };
}

// Compiled expressions by text: a state machine evaluates the same few hundred again and again.
const compiled = new Map();
const CACHE_LIMIT = 5000;

function compile(text) {
  let expression = compiled.get(text);
  if (expression === undefined) {
    expression = jsonata(text);
    if (compiled.size >= CACHE_LIMIT) {
      compiled.clear();
    }
    compiled.set(text, expression);
  }
  return expression;
}

async function answer(request) {
  let expression;
  try {
    expression = compile(request.expr);
  } catch (error) {
    return failure(error);
  }
  if (request.op === 'compile') {
    return { ok: true };
  }
  virtualNow = typeof request.now === 'number' ? request.now : null;
  try {
    const value = await expression.evaluate(request.input, request.bindings || undefined);
    if (value === undefined) {
      return { ok: true, undefined: true, value: null };
    }
    if (typeof value === 'function') {
      return failure({ code: 'FUNCTION', message: 'the expression returned a function, which has no JSON value' });
    }
    return { ok: true, undefined: false, value: JSON.parse(JSON.stringify(value)) };
  } catch (error) {
    return failure(error);
  } finally {
    virtualNow = null;
  }
}

const lines = readline.createInterface({ input: process.stdin, terminal: false });
let queue = Promise.resolve();
lines.on('line', (line) => {
  queue = queue.then(async () => {
    let reply;
    try {
      reply = await answer(JSON.parse(line));
    } catch (error) {
      reply = failure(error);
    }
    process.stdout.write(JSON.stringify(reply) + '\n');
  });
});
