package dev.bootfleet.adapters.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;

/** A real Git repository on disk, built with JGit, for adapter tests. */
final class TestRepo implements AutoCloseable {
  static final String DIGEST = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  private static final PersonIdent WHO = new PersonIdent("Test", "test@example.com");

  final Path dir;
  final Git git;

  private TestRepo(Path dir, Git git) {
    this.dir = dir;
    this.git = git;
  }

  static TestRepo init(Path dir) throws GitAPIException {
    return new TestRepo(dir, Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call());
  }

  /** A minimal valid Host manifest. */
  static String host(String name, String imageTag) {
    return """
        apiVersion: bootfleet.dev/v1alpha1
        kind: Host
        metadata:
          name: %s
        spec:
          image:
            ref: quay.io/example/os:%s@%s
        """.formatted(name, imageTag, DIGEST);
  }

  TestRepo write(String path, String text) throws IOException {
    Path p = dir.resolve(path);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return this;
  }

  TestRepo link(String path, String target) throws IOException {
    Path p = dir.resolve(path);
    Files.createDirectories(p.getParent());
    Files.deleteIfExists(p);
    Files.createSymbolicLink(p, Path.of(target));
    return this;
  }

  TestRepo delete(String path) throws IOException {
    Files.delete(dir.resolve(path));
    return this;
  }

  /** Stages everything (deletions too) and commits. */
  RevCommit commit(String message) throws GitAPIException {
    git.add().addFilepattern(".").call();
    git.add().addFilepattern(".").setUpdate(true).call();
    return git.commit().setMessage(message).setAuthor(WHO).setCommitter(WHO).setSign(false).call();
  }

  void tag(String name) throws GitAPIException {
    git.tag().setName(name).setAnnotated(true).setMessage(name).setTagger(WHO).setSigned(false).call();
  }

  @Override
  public void close() {
    git.close();
  }
}
