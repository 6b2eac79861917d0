package io.taskfork.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcStatTest {

    @Test
    void readsTheTimesAfterACommandNameWithSpacesAndParentheses() {
        String line = "4242 (a (weird) name) S 1 4242 4242 0 -1 4194560 1234 0 0 0 150 25 300 40 20 0 31 0 "
                + "12345 3000000000 45000 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0";

        ProcStat.Cpu cpu = ProcStat.parse(line);

        assertThat(cpu).isEqualTo(new ProcStat.Cpu(150, 25, 300, 40));
        assertThat(cpu.own()).isEqualTo(175);
        assertThat(cpu.reapedChildren()).isEqualTo(340);
        assertThat(cpu.total()).isEqualTo(515);
    }

    @Test
    void readsThisJvmsOwnLine() throws Exception {
        assertThat(ProcStat.self().own()).isPositive();
    }

    @Test
    void readsResidentMemoryNowAndAtItsPeak() {
        ProcStat.Memory memory = ProcStat.parseStatus(List.of("Name:\tjava", "VmHWM:\t  190512 kB",
                "VmRSS:\t  183512 kB", "Threads:\t40"));

        assertThat(memory).isEqualTo(new ProcStat.Memory(183512, 190512));
    }
}
