/**
 * The {@code custody} command line: {@code keys}, {@code record}, {@code verify}, {@code export},
 * {@code recover}, {@code upload}, {@code inspect} and {@code demo} (README, "The command line").
 *
 * <p>Rules: the command forms and the {@code --json} members are contracts scripts rely on;
 * exit codes are 0 (done), 1 (bad input, failed verification, wrong key, failing store: one line
 * on stderr) and 2 (usage); output is UTF-8 and formatted with {@link java.util.Locale#ROOT},
 * whatever the platform's defaults.
 */
package io.custody.cli;
