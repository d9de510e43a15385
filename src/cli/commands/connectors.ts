import { Command } from 'commander';
import { installConfiguredPackages, installConnectorPackage, listConnectorPackages } from '../../operations/connector-packages/connector-packages.js';
import type { CliContext } from '../cli-context.js';

const connectorsHelp = `Airbyte sources and Singer taps are Python packages. Each is installed into a
virtual environment of its own under CUSTSYNC_CONNECTORS_DIR (default .data/connectors);
a connector of type airbyte-source or singer-tap names it as its package:

  custsync connectors install airbyte-source-faker==7.2.1
  custsync connectors install tap-jsonl==0.3.1
  custsync connectors install          every package the config pins (package: tap-jsonl==0.3.1)
  custsync connectors list [--json]

Pin the version: a run reads with exactly the package its connector was checked with.
Install on every machine that runs a worker (the image: at build time).`;

/** `custsync connectors install | list`. */
export function connectorsCommand(ctx: CliContext): Command {
  const connectors = new Command('connectors').description('source packages (Airbyte sources, Singer taps) for connectors to run').addHelpText('after', `\n${connectorsHelp}`);
  connectors
    .command('install')
    .argument('[package]', 'a pinned package: <name>==<version>; none: every package the config pins that is not installed at its version')
    .description('install a source package into its own virtual environment (kept when this version is installed)')
    .option('--force', 'install again even when this version is installed')
    .option('--python <path>', 'the Python that makes the virtual environment', 'python3')
    .option('--json', 'as JSON')
    .action(async (spec: string | undefined, o: { force?: boolean; python: string; json?: boolean }) => {
      const options = {
        python: o.python,
        ...(o.force ? { force: true } : {}),
        ...(o.json ? {} : { onOutput: (line: string) => process.stderr.write(`  ${line}\n`) }),
      };
      if (spec === undefined) {
        const result = await installConfiguredPackages(ctx.config().config, { ...options, ...(o.json ? {} : { onPackage: (p: string) => console.log(`installing ${p} …`) }) });
        if (o.json) console.log(JSON.stringify(result, null, 2));
        else {
          for (const p of result.installed) console.log(`installed: ${p.package}==${p.version} in ${result.folder}`);
          for (const p of result.already) console.log(`already installed: ${p.name}==${p.installed} (connector ${p.connector})`);
          if (result.installed.length === 0 && result.already.length === 0) console.log('the config names no source package');
        }
        return;
      }
      const result = await installConnectorPackage(spec, options);
      if (o.json) {
        console.log(JSON.stringify(result, null, 2));
        return;
      }
      const { installed } = result;
      console.log(`${result.already ? 'already installed' : 'installed'}: ${installed.package}==${installed.version} in ${result.folder}`);
      console.log(`commands: ${installed.executables.map((e) => e.split('/').pop()).join(', ')}`);
      console.log(`name it in a connector as:  package: ${installed.package}==${installed.version}`);
    });
  connectors
    .command('list')
    .description('the installed source packages')
    .option('--json', 'as JSON')
    .action((o: { json?: boolean }) => {
      const listed = listConnectorPackages();
      if (o.json) console.log(JSON.stringify(listed, null, 2));
      else if (listed.packages.length === 0) console.log(`no source package installed in ${listed.folder}`);
      else for (const p of listed.packages) console.log(`${p.package}==${p.version}  ${p.executables.map((e) => e.split('/').pop()).join(', ')}`);
    });
  return connectors;
}
