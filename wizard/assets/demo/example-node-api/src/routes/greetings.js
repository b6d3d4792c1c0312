'use strict';

const { sendJson } = require('../respond');

const NAME = /^[\p{L}\p{N} .'-]{1,64}$/u;

module.exports = function greetings(req, res) {
  const name = decodeURIComponent(req.params.name);
  if (!NAME.test(name)) {
    sendJson(res, 400, { error: 'invalid_name' });
    return;
  }
  sendJson(res, 200, { message: `Hello, ${name}!` });
};
