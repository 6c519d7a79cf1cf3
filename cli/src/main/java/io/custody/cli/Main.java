package io.custody.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code custody} command line.
 *
 * <p>Exit codes, for scripts: {@value #OK} success; {@value #BAD_INPUT} the input could not be
 * read or is malformed (one line on stderr says why); {@value #USAGE} the command line itself is
 * wrong.
 */
@Command(
    name = "custody",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Turns body-worn camera H.264 into sealed, verifiable evidence.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:unreadable or malformed input", "2:usage error"})
public final class Main implements java.util.concurrent.Callable<Integer> {
  /** Success. */
  public static final int OK = 0;
  /** The input could not be read or is malformed. */
  public static final int BAD_INPUT = 1;
  /** The command line is wrong. */
  public static final int USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getErr().println("custody: name a command, e.g. 'custody inspect FILE'");
    spec.commandLine().usage(spec.commandLine().getErr());
    return USAGE;
  }

  /** The commands, in the order help lists them. */
  private static final java.util.Map<String, Class<?>> COMMANDS = commands();

  private static java.util.Map<String, Class<?>> commands() {
    java.util.Map<String, Class<?>> c = new java.util.LinkedHashMap<>();
    c.put("demo", DemoCommand.class);
    c.put("keys", KeysCommand.class);
    c.put("record", RecordCommand.class);
    c.put("verify", VerifyCommand.class);
    c.put("export", ExportCommand.class);
    c.put("recover", RecoverCommand.class);
    c.put("upload", UploadCommand.class);
    c.put("inspect", InspectCommand.class);
    c.put("ledger", LedgerCommand.class);
    c.put("register", RegisterCommand.class);
    c.put("serve", ServeCommand.class);
    c.put("help", CommandLine.HelpCommand.class);
    return java.util.Collections.unmodifiableMap(c);
  }

  /**
   * Runs the command line with the given output streams and returns its exit code. Only the
   * command named is built (picocli builds a command's whole model from its annotations, ~0.1 s
   * for all of them at start-up); for help, no command or an unknown one, all are.
   */
  public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new Main());
    String first = args.length > 0 ? args[0] : "";
    boolean one = COMMANDS.containsKey(first) && !first.equals("help");
    COMMANDS.forEach((name, command) -> {
      if (!one || name.equals(first)) {
        cl.addSubcommand(name, command);
      }
    });
    return cl
        .setOut(out)
        .setErr(err)
        .setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? USAGE : BAD_INPUT)
        .execute(args);
  }

  public static void main(String[] args) {
    // UTF-8 whatever the platform's default: --json output is RFC 8259 text, and reports must read
    // the same on every dock.
    java.io.PrintWriter out = new java.io.PrintWriter(
        new java.io.OutputStreamWriter(System.out, java.nio.charset.StandardCharsets.UTF_8), true);
    java.io.PrintWriter err = new java.io.PrintWriter(
        new java.io.OutputStreamWriter(System.err, java.nio.charset.StandardCharsets.UTF_8), true);
    System.exit(run(out, err, args));
  }

  /** Reads the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"custody " + (v != null ? v : "(development build)")};
    }
  }
}
