'use strict';

const { createApp } = require('./app');

const port = Number(process.env.PORT || 3000);
const app = createApp();

app.listen(port, '0.0.0.0', (err) => {
  if (err) throw err;
  console.log(`example-node-api listening on :${port}`);
});

// Stop accepting connections on SIGTERM so rolling deploys drain cleanly.
process.on('SIGTERM', () => {
  app.server.close(() => process.exit(0));
});
