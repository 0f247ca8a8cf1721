// Turns the npm `gemoji` package into the compact data file the chat page loads on demand:
// {"version", "categories": [{"name", "emoji": [[char, [names...], [tags...]], ...]}]}.
// gemoji's names are the shortcodes the server's `emojis` crate understands (`:smile:`).
// Run by fetch.sh: node gemoji-data.mjs path/to/gemoji/index.js > gemoji/gemoji.json
import { pathToFileURL } from 'node:url';

const [source, version] = process.argv.slice(2);
const { gemoji } = await import(pathToFileURL(source).href);
const categories = new Map();
for (const { emoji, names, tags, category } of gemoji) {
  if (!categories.has(category)) categories.set(category, []);
  categories.get(category).push([emoji, names, tags]);
}
const data = {
  source: `gemoji ${version}`,
  categories: [...categories].map(([name, emoji]) => ({ name, emoji })),
};
process.stdout.write(JSON.stringify(data) + '\n');
