#!/usr/bin/env node
// Validates a GeoJSON file with @placemarkio/check-geojson (an RFC 7946 checker nobody on the project wrote).
//   node validate.js FILE [--expect-feature-collection]
// Exits 0 when the file is valid GeoJSON, 1 with one line per problem otherwise, 2 on usage errors.
'use strict';
const fs = require('fs');
const { getIssues } = require('@placemarkio/check-geojson');

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
if (!file) {
  console.error('usage: node validate.js FILE [--expect-feature-collection]');
  process.exit(2);
}

const text = fs.readFileSync(file, 'utf8');
const problems = getIssues(text).map((i) => `${i.severity || 'error'} at ${i.from}-${i.to}: ${i.message}`);
if (problems.length === 0 && args.includes('--expect-feature-collection')) {
  const root = JSON.parse(text);
  if (root.type !== 'FeatureCollection') {
    problems.push(`the root is a ${root.type}, not a FeatureCollection`);
  }
}

if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
console.log(`valid GeoJSON (${Buffer.byteLength(text, 'utf8')} bytes)`);
