// The direction of imports (docs/decisions/015): entry points (routes, app/cli, server/) →
// app/modules → db/. Checked by `npm run lint`.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Modules that import each other cannot be understood, tested or moved one at a time.",
      from: {},
      to: { circular: true },
    },
    {
      name: "db-stands-alone",
      severity: "error",
      comment: "db/ (schema, migrations, connection, seed data) imports nothing from the app or the server.",
      from: { path: "^db/" },
      to: { path: "^(app|server)/" },
    },
    {
      name: "only-entry-points-import-routes",
      severity: "error",
      comment: "Routes are entry points: no module, component or utility imports one.",
      from: { path: "^app/(modules|components|utils|cli)/" },
      to: { path: "^app/routes/" },
    },
    {
      name: "modules-do-not-import-entry-points",
      severity: "error",
      comment: "Domain modules are called by entry points, never the other way round.",
      from: { path: "^app/(modules|utils|components)/" },
      to: { path: "^(server/|app/cli/|app/entry\\.server)" },
    },
    {
      name: "server-reaches-the-database-through-hooks",
      severity: "error",
      comment: "server/ gets the database through the Remix build's hooks, so the process holds one copy (decision 013).",
      from: { path: "^server/" },
      to: { path: "^(db/|app/modules/database/)" },
    },
    {
      name: "components-hold-no-data-access",
      severity: "error",
      comment: "Components are presentational: no server module, no database.",
      from: { path: "^app/components/" },
      to: { path: "(\\.server\\.tsx?$|^db/connection)" },
    },
    {
      name: "no-dev-dependencies-in-production-code",
      severity: "error",
      from: { path: "^(app|server|db)/", pathNot: "\\.test\\.tsx?$" },
      to: { dependencyTypes: ["npm-dev"], dependencyTypesNot: ["type-only"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
    exclude: { path: "(^build|^node_modules|^public)" },
  },
};
