package dev.cnn.tensor.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class CsvTest {
  @Test
  void quotesOnlyWhatMustBeQuoted() {
    assertEquals("1,a b,\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\n",
        Csv.row("1", "a b", "x,y", "say \"hi\"", "two\nlines"));
    assertEquals("3,,0.5\n", Csv.row(3, null, 0.5));
  }

  @Test
  void readsQuotedFieldsCrlfAndAMissingLastLineBreak() {
    assertEquals(List.of(List.of("index", "file"), List.of("7", "a,b.png"), List.of("8", "c\"d.png")),
        Csv.parse("index,file\r\n7,\"a,b.png\"\r\n8,\"c\"\"d.png\"", "f.csv"));
    assertEquals(List.of(), Csv.parse("", "f.csv"));
  }

  @Test
  void badQuotingNamesTheLine() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Csv.parse("a\n\"open,b\n", "x.csv"));
    assertTrue(e.getMessage().startsWith("x.csv: line 2: a quoted field is not closed"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Csv.parse("a\nb\n\"q\"x,1\n", "x.csv"));
    assertTrue(e.getMessage().startsWith("x.csv: line 3: 'x' after a quoted field"), e.getMessage());
  }

  /** Whatever the fields hold, a written row reads back as the same fields. */
  @Property(tries = 300)
  void rowsReadBackAsWritten(@ForAll @Size(min = 1, max = 5) List<@Size(max = 6) List<String>> rows) {
    StringBuilder text = new StringBuilder();
    List<List<String>> written = new ArrayList<>();
    for (List<String> r : rows) {
      List<String> fields = r.isEmpty() ? List.of("x") : r;
      text.append(Csv.row(fields));
      written.add(fields);
    }
    assertEquals(written, Csv.parse(text.toString(), "property"));
  }
}
