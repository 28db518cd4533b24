import { Command } from 'commander';
import type { CommandModule } from './command.js';

type Loader = () => Promise<CommandModule>;
/** Runs a command's module and ends the process; `failureCode` is the exit code of a failure. */
export type Invoke = (load: Loader, command: Command, failureCode: number) => Promise<void>;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * The command tree. Only commander is loaded to build it; each command's own module (and the
 * SDK with it) is imported when that command runs, so `dockyard --version` and `--help` stay
 * as fast as Node's own start.
 */
export function buildProgram(version: string, invoke: Invoke): Command {
  const program = new Command('dockyard')
    .description('A command line for the Docker Engine, over the dockyard SDK.')
    .version(`dockyard version ${version}`, '-v, --version', 'print the version and exit')
    .option('-H, --host <address>', 'engine to connect to (unix://, tcp://, ssh://); default: DOCKER_HOST, the context, the default socket')
    .option('-c, --context <name>', 'docker context to use (overrides DOCKER_HOST and DOCKER_CONTEXT)')
    .enablePositionalOptions()
    .showSuggestionAfterError()
    // Usage errors exit 125, as the docker CLI's do; help and --version exit 0.
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 125));

  const add = (name: string, description: string, load: Loader, failureCode = 1): Command => {
    const command = program.command(name).description(description);
    command.action(async (...args: unknown[]) => invoke(load, args.at(-1) as Command, failureCode));
    return command;
  };

  add('ps', 'list containers', () => import('./commands/ps.js'))
    .option('-a, --all', 'show all containers (default: only running ones)')
    .option('-q, --quiet', 'only IDs')
    .option('--no-trunc', 'do not shorten IDs and commands')
    .option('-f, --filter <key=value>', 'filter, as the engine takes them (repeatable)', collect)
    .option('--format <format>', '"json": engine JSON, one container a line');

  add('logs', "print a container's logs, stdout to stdout and stderr to stderr", () => import('./commands/logs.js'))
    .argument('<container>')
    .option('-f, --follow', 'follow the log as it grows')
    .option('-t, --timestamps', 'prefix each line with its time')
    .option('-n, --tail <lines>', 'only this many lines from the end ("all" for everything)')
    .option('--since <time>', 'only since this time (RFC 3339, Unix seconds, or relative: 10m)')
    .option('--until <time>', 'only before this time');

  add('events', "print the engine's events as they happen", () => import('./commands/events.js'))
    .option('-f, --filter <key=value>', 'filter, as the engine takes them (repeatable)', collect)
    .option('--since <time>', 'events since this time')
    .option('--until <time>', 'stop at this time')
    .option('--format <format>', '"json": engine JSON, one event a line');

  add('exec', 'run a command in a running container; exits with its exit code', () => import('./commands/exec.js'), 125)
    .argument('<container>')
    .argument('<command...>')
    .option('-i, --interactive', 'forward stdin')
    .option('-t, --tty', 'allocate a terminal (with -i: raw mode, every key goes to the container)')
    .option('-e, --env <KEY=value>', 'set an environment variable (repeatable)', collect)
    .option('-w, --workdir <dir>', 'working directory in the container')
    .option('-u, --user <user>', 'user[:group] or uid[:gid]')
    .option('--privileged', 'give the command extended privileges')
    .passThroughOptions();

  add('run', 'create and start a container from an image, attached; exits with its exit code', () => import('./commands/run.js'), 125)
    .argument('<image>')
    .argument('[command...]')
    .option('--rm', 'remove the container when it exits')
    .option('-d, --detach', 'start it in the background and print its ID')
    .option('-i, --interactive', 'forward stdin')
    .option('-t, --tty', 'allocate a terminal (with -i: raw mode, every key goes to the container)')
    .option('-e, --env <KEY=value>', 'set an environment variable (repeatable)', collect)
    .option('-l, --label <key=value>', 'set a label (repeatable)', collect)
    .option('-w, --workdir <dir>', 'working directory in the container')
    .option('-u, --user <user>', 'user[:group] or uid[:gid]')
    .option('--name <name>', "the container's name")
    .passThroughOptions();

  add('pull', 'pull an image from a registry', () => import('./commands/pull.js'))
    .argument('<image>')
    .option('--platform <os[/arch]>', 'platform to pull');

  add('push', 'push an image to a registry', () => import('./commands/push.js')).argument('<image>');

  add('build', 'build an image from a Dockerfile', () => import('./commands/build.js'))
    .argument('<dir>', 'the build context')
    .option('-t, --tag <name:tag>', 'name (and tag) of the image (repeatable)', collect)
    .option('-f, --file <path>', 'the Dockerfile, relative to the context (default: Dockerfile)')
    .option('--build-arg <KEY=value>', 'a build argument (repeatable; KEY alone takes it from the environment)', collect)
    .option('--label <key=value>', 'set a label on the image (repeatable)', collect)
    .option('--target <stage>', 'build up to this stage')
    .option('--no-cache', 'do not use the build cache')
    .option('--force-rm', "remove the intermediate containers, also a failed step's")
    .option('-q, --quiet', 'print only the image ID');

  add('images', 'list images', () => import('./commands/images.js'))
    .option('-a, --all', 'include intermediate images')
    .option('-q, --quiet', 'only IDs')
    .option('-f, --filter <key=value>', 'filter, as the engine takes them (repeatable)', collect)
    .option('--format <format>', '"json": engine JSON, one image a line');

  add('stats', "a live table of containers' resource use", () => import('./commands/stats.js'))
    .argument('[containers...]')
    .option('-a, --all', 'all containers (default: running ones)')
    .option('--no-stream', 'print one table and exit')
    .option('--format <format>', '"json": engine JSON, one sample a line');

  add('ship', "ship every selected container's log to a Fluent Forward receiver, at least once, until Ctrl-C", () => import('./commands/ship.js'))
    .requiredOption('--forward <host:port>', 'the Fluentd / Fluent Bit forward input')
    .requiredOption('--checkpoint <file>', 'where acked positions are kept; a restart resumes from them')
    .option('--ack', 'ask the receiver to ack every batch (at-least-once)')
    .option('--gzip', 'compress each batch')
    .option('--shared-key <key>', 'shared key of the forward handshake')
    .option('--label <key[=value]>', 'only containers with this label (repeatable: any of them)', collect)
    .option('--name <glob>', 'only containers whose name matches (repeatable: any of them)', collect)
    .option('--tag <template>', "tag template of Docker's fluentd driver, e.g. docker.{{.Name}} (default {{.ID}})")
    .option('--since <time>', 'containers without a checkpoint: their logs since this time (default: all)');

  add('version', 'show the client and engine versions', () => import('./commands/version.js')).option(
    '--format <format>',
    '"json": engine JSON',
  );

  add('info', 'show engine-wide information', () => import('./commands/info.js')).option('--format <format>', '"json": engine JSON');

  const service = program.command('service').description('swarm services');
  service
    .command('ps')
    .description("list a service's tasks")
    .argument('<service>')
    .option('-q, --quiet', 'only IDs')
    .option('--no-trunc', 'do not shorten IDs, images and errors')
    .option('-f, --filter <key=value>', 'filter, as the engine takes them (repeatable)', collect)
    .option('--format <format>', '"json": engine JSON, one task a line')
    .action(async (...args: unknown[]) => invoke(() => import('./commands/service-ps.js'), args.at(-1) as Command, 1));
  service
    .command('logs')
    .description("print a service's logs (all its tasks), stdout to stdout and stderr to stderr")
    .argument('<service>')
    .option('-f, --follow', 'follow the logs as they grow')
    .option('-t, --timestamps', 'prefix each line with its time')
    .option('-n, --tail <lines>', 'only this many lines from the end of each task ("all" for everything)')
    .option('--since <time>', 'only since this time (RFC 3339, Unix seconds, or relative: 10m)')
    .option('--raw', 'the bytes as the tasks wrote them, without the task prefix')
    .action(async (...args: unknown[]) => invoke(() => import('./commands/service-logs.js'), args.at(-1) as Command, 1));

  const system = program.command('system').description('manage the engine');
  system
    .command('df')
    .description('show disk usage')
    .option('--format <format>', '"json": engine JSON')
    .action(async (...args: unknown[]) => invoke(() => import('./commands/system-df.js'), args.at(-1) as Command, 1));

  return program;
}
