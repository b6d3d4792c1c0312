'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { createApp } = require('../src/app');

let server;
let base;

before(async () => {
  server = http.createServer(createApp().handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(() => new Promise((resolve) => server.close(resolve)));

test('GET /health answers ok with the package version', async () => {
  const res = await fetch(`${base}/health`);
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.status, 'ok');
  assert.equal(body.version, require('../package.json').version);
});

test('GET /v1/greetings/:name greets by name', async () => {
  const res = await fetch(`${base}/v1/greetings/Ada`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { message: 'Hello, Ada!' });
});

test('GET /v1/greetings/:name rejects markup', async () => {
  const res = await fetch(`${base}/v1/greetings/${encodeURIComponent('<b>')}`);
  assert.equal(res.status, 400);
});

test('unknown paths answer 404 as JSON', async () => {
  const res = await fetch(`${base}/nope`);
  assert.equal(res.status, 404);
  assert.equal((await res.json()).error, 'not_found');
});
