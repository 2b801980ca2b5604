package dev.bootfleet.app.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bootfleet completion bash}: picocli's completion script for every command and option. */
@Command(name = "completion", mixinStandardHelpOptions = true,
    description = {"Print a shell completion script for bootfleet's commands and options.",
        "bash: source <(bootfleet completion bash), or save it as"
            + " ~/.local/share/bash-completion/completions/bootfleet. zsh reads the same script after"
            + " autoload -U +X bashcompinit && bashcompinit."})
final class CompletionCommand implements Runnable {
  enum Shell { bash }

  @Parameters(paramLabel = "SHELL", description = "The shell: ${COMPLETION-CANDIDATES}.")
  Shell shell;

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    // The whole tree: a run builds only the command it runs (Main), but the script names them all.
    spec.commandLine().getOut().print(AutoComplete.bash("bootfleet", Main.everyCommand()));
    spec.commandLine().getOut().flush();
  }
}
