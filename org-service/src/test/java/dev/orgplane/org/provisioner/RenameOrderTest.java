package dev.orgplane.org.provisioner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RenameOrderTest {

  record Rename(String from, String to) {
  }

  @Test
  void onlyRenamesThatMeetAnotherRenamesNameAreWrittenOneByOneInBatchOrder() {
    var chainTaker = new Rename("c", "d");
    var chainGiver = new Rename("d", "e");
    var free = new Rename("a", "a2");
    var kept = new Rename("b", "b");
    var swapOne = new Rename("x", "y");
    var swapOther = new Rename("y", "x");
    var together = new ArrayList<List<Rename>>();
    var alone = new ArrayList<Rename>();
    RenameOrder.write(List.of(chainTaker, free, chainGiver, kept, swapOne, swapOther), Rename::from, Rename::to,
        renames -> {
          together.add(renames);
          return Future.succeededFuture();
        },
        rename -> {
          alone.add(rename);
          return Future.succeededFuture();
        });
    assertEquals(List.of(List.of(free, kept)), together);
    assertEquals(List.of(chainTaker, chainGiver, swapOne, swapOther), alone);
  }
}
