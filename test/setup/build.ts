import { needsBuild, runBuild } from "../../scripts/lib/build";

/** The browser tests run against a production build: make one when sources are newer. */
export default async function setup() {
  if (process.env.KAIROS_TEST_SKIP_BUILD === "1") return;
  if (needsBuild()) await runBuild();
}
