package dev.cnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnn.layers.GraphModel;
import dev.cnn.layers.io.ModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A graph model through the command line: cnn train --model resnet-small trains a GraphModel,
 * saves it in the "cnn-graph" format, checkpoints it and resumes; summary, evaluate and predict
 * read the run back.
 */
class GraphModelRunTest {
  @TempDir Path dir;

  @Test
  void aResidualNetworkTrainsResumesAndIsReadBack() throws Exception {
    Path run = dir.resolve("run");
    CnnTest.Run r = CnnTest.run("train", "--model", "resnet-small", "--limit", "300,60", "--epochs", "1", "--threads",
        "2", "--no-report", "--out", run.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(Files.readString(run.resolve("model.json")).contains("\"cnn-graph\""));
    assertInstanceOf(GraphModel.class, ModelFiles.loadModel(run.resolve("model.safetensors")));

    r = CnnTest.run("train", "--resume", run.toString(), "--epochs", "2", "--no-report");
    assertEquals(0, r.exitCode(), r.err());
    assertEquals(2, new ObjectMapper().readTree(run.resolve("history.json").toFile()).get("epochs").size());

    r = CnnTest.run("summary", "--model", run.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("res2_add (add)") && r.out().contains("Connected to"), r.out());
    r = CnnTest.run("evaluate", "--model", run.toString(), "--dataset", "shapes", "--threads", "2");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("accuracy"), r.out());

    // The saved graph architecture is a --model file for a new run.
    Path again = dir.resolve("again");
    r = CnnTest.run("train", "--model", run.resolve("model.json").toString(), "--limit", "300,60", "--epochs", "1",
        "--threads", "2", "--no-report", "--out", again.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertInstanceOf(GraphModel.class, ModelFiles.loadModel(again.resolve("model.safetensors")));
  }
}
