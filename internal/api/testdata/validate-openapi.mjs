import { createRequire } from "module";
const [dir, file] = process.argv.slice(2);
const require = createRequire(dir + "/");
const SwaggerParser = require("@apidevtools/swagger-parser");
try {
  const api = await SwaggerParser.validate(file);
  console.log(JSON.stringify({ok: true, openapi: api.openapi, paths: Object.keys(api.paths).length}));
} catch (e) {
  console.log(JSON.stringify({ok: false, error: String(e.message || e)}));
}
