package dev.bootfleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * CONTRIBUTING.md's "package-private unless another package needs it", held for every package. Unlike {@link ArchitectureTest} it reads the tests too: a type another package's tests use is
 * needed by that package.
 */
@AnalyzeClasses(packages = "dev.bootfleet")
class VisibilityTest {

  /**
   * Public for another reason than a package of ours: the launcher starts Main, LabelSelector is
   * Manifest.HostGroup's, and Quartz instantiates GitPollJob and RolloutTickJob by reflection.
   */
  private static final Set<String> PUBLIC_ANYWAY = Set.of("dev.bootfleet.app.cli.Main",
      "dev.bootfleet.core.manifest.LabelSelector", "dev.bootfleet.app.server.GitPollJob",
      "dev.bootfleet.app.server.RolloutTickJob");

  @ArchTest
  static void publicTypes_areUsedFromAnotherPackage(JavaClasses classes) {
    Set<String> usedElsewhere = new HashSet<>(); // top-level classes another package (or its tests) uses
    for (JavaClass origin : classes) {
      for (Dependency d : origin.getDirectDependenciesFromSelf()) {
        JavaClass target = topLevel(d.getTargetClass());
        if (!target.getPackageName().equals(origin.getPackageName())) {
          usedElsewhere.add(target.getName());
        }
      }
    }
    List<String> needless = classes.stream()
        .filter(c -> c.getPackageName().startsWith("dev.bootfleet.") && c.isTopLevelClass()
            && c.getModifiers().contains(JavaModifier.PUBLIC) && isMainCode(c))
        .map(JavaClass::getName)
        .filter(n -> !usedElsewhere.contains(n) && !PUBLIC_ANYWAY.contains(n))
        .sorted().toList();
    assertThat(needless).as("public types no other package uses (make them package-private)").isEmpty();
  }

  private static JavaClass topLevel(JavaClass c) {
    JavaClass t = c;
    while (t.getEnclosingClass().isPresent()) {
      t = t.getEnclosingClass().get();
    }
    return t;
  }

  private static boolean isMainCode(JavaClass c) {
    return c.getSource().map(s -> !s.getUri().toString().contains("/test-classes/")).orElse(false);
  }
}
