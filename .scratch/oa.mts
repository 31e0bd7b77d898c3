import { openApiDocument } from "/work/main/server/api/openapi";
const d = openApiDocument({ prefix: "" });
console.log(Object.keys(d.paths).length, Object.keys((d.components as any).schemas));
console.log(JSON.stringify(d.paths["/jobs/add"]).slice(0, 800));
console.log(JSON.stringify(d.paths["/api/v1/jobs"]).slice(0, 1500));
console.log(JSON.stringify(d).length);
