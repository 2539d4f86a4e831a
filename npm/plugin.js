'use strict';

// The Nx inference plugin's entry point (nx.json `plugins`: "@vibes/python-ddd/plugin"); see src/plugin.js.
module.exports = require('./src/plugin.js');
