'use strict';

const { sendJson } = require('../respond');
const { version } = require('../../package.json');

const startedAt = Date.now();

// Liveness probe for the container HEALTHCHECK and the load balancer.
module.exports = function health(req, res) {
  sendJson(res, 200, {
    status: 'ok',
    version,
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
  });
};
