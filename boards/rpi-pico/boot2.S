/*
 * boards/rpi-pico/boot2.S - second-stage boot for the Pico's W25Q080 QSPI
 * flash: put the RP2040's SSI into execute-in-place mode, then enter the
 * image through its vector table.
 *
 *   void boot2(void);   entered from the bootrom with lr = 0
 *
 * The bootrom copies the first 256 bytes of flash to 0x20041F00 (the top
 * of SRAM5), checks the CRC32 in the last 4 (tools/mkboot2 computes it at
 * build time) and jumps here, on the bootrom's stack.  252 bytes of code
 * at most; no C environment, hence assembly.  Clobbers r0-r3.
 *
 * XIP mode: every bus read of 0x10000000+ becomes a serial Fast Read
 * (0Bh): 8 instruction clocks, 24 address clocks, 8 dummy clocks, 32 data
 * clocks, all on one data line.  SCK = clk_sys / 4: 31.25 MHz once the
 * board runs clk_sys at 125 MHz (the W25Q080 reads at up to 104 MHz), a
 * slow but safe start; a later quad (EBh) version would be 3x faster.
 *
 * Registers: RP2040 datasheet 4.10.13 (SSI: CTRLR0 +0x00, CTRLR1 +0x04,
 * SSIENR +0x08, BAUDR +0x14, SPI_CTRLR0 +0xF4) and 2.4.8 (VTOR).
 * Called with lr != 0 (a flash routine re-running it), it returns.
 */
    .syntax unified
    .cpu cortex-m0plus
    .thumb

    .equ SSI_BASE, 0x18000000
    .equ SSI_CTRLR0, 0x00
    .equ SSI_CTRLR1, 0x04
    .equ SSI_SSIENR, 0x08
    .equ SSI_BAUDR, 0x14
    .equ SSI_SPI_CTRLR0, 0xF4
    .equ IMAGE, 0x10000100      /* the vector table, after these 256 bytes */
    .equ VTOR, 0xE000ED08

    /* CTRLR0: DFS_32 = 31 (32-bit frames), TMOD = 3 (EEPROM read:
     * send the instruction and address, then read), SPI_FRF = 0 (std). */
    .equ CTRLR0_XIP, (31 << 16) | (3 << 8)
    /* SPI_CTRLR0: XIP_CMD = 0x0B, WAIT_CYCLES = 8, INST_L = 2 (8 bits),
     * ADDR_L = 6 (24 bits), TRANS_TYPE = 0 (all on one line). */
    .equ SPI_CTRLR0_XIP, (0x0B << 24) | (8 << 11) | (2 << 8) | (6 << 2)

    .section .boot2, "ax"
    .global boot2
    .type boot2, %function
boot2:
    push {lr}
    ldr r3, =SSI_BASE
    movs r1, #0
    str r1, [r3, #SSI_SSIENR]   /* configure with the SSI off */
    movs r1, #4
    str r1, [r3, #SSI_BAUDR]
    ldr r1, =CTRLR0_XIP
    str r1, [r3, #SSI_CTRLR0]
    movs r1, #0
    str r1, [r3, #SSI_CTRLR1]   /* NDF = 0: one 32-bit frame per read */
    ldr r1, =SPI_CTRLR0_XIP
    ldr r2, =SSI_SPI_CTRLR0
    str r1, [r3, r2]
    movs r1, #1
    str r1, [r3, #SSI_SSIENR]
    pop {r0}
    cmp r0, #0
    beq enter_image
    bx r0
enter_image:
    ldr r0, =IMAGE
    ldr r1, =VTOR
    str r0, [r1]
    ldmia r0!, {r1, r2}         /* initial SP, reset handler */
    msr msp, r1
    bx r2
    .size boot2, . - boot2
    .ltorg
