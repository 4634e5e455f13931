package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnn.learn.Lessons;
import org.junit.jupiter.api.Test;

/** {@code cnn learn}: the list of lessons, one lesson's program, and a lesson that does not exist. */
class LearnCommandTest {
  @Test
  void listsEveryLessonWithItsText() {
    CnnTest.Run r = CnnTest.run("learn");
    assertEquals(0, r.exitCode(), r.err());
    for (Lessons.Lesson l : Lessons.ALL) {
      assertTrue(r.out().contains(l.title()) && r.out().contains(l.text()), l.title() + " missing from:\n" + r.out());
    }
  }

  @Test
  void runsALessonsProgram() {
    CnnTest.Run r = CnnTest.run("learn", "1");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().startsWith("Lesson 1: Backpropagation on single numbers (the text: "), r.out());
    assertTrue(r.out().contains("do/dw1       0.128415         0.128415\n"), r.out());
  }

  @Test
  void anUnknownLessonIsNamed() {
    CnnTest.Run r = CnnTest.run("learn", "99");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("there is no lesson 99; the lessons are 1 to " + Lessons.ALL.size()), r.err());
  }
}
