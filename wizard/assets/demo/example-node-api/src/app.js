'use strict';

const polka = require('polka');
const health = require('./routes/health');
const greetings = require('./routes/greetings');
const { sendJson } = require('./respond');

// Built separately from server.js so tests can mount it on an ephemeral port.
function createApp() {
  return polka({
    onNoMatch(req, res) {
      sendJson(res, 404, { error: 'not_found', path: req.path });
    },
    onError(err, req, res) {
      sendJson(res, err.status || 500, { error: 'internal_error' });
    },
  })
    .get('/health', health)
    .get('/v1/greetings/:name', greetings);
}

module.exports = { createApp };
